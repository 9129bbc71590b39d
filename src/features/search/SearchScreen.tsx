import { lazy, memo, Suspense, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { Link, useLocation, useNavigate } from 'react-router';
import { useI18n, type MessageKey } from '../../ui/i18n.tsx';
import { CardStatusBadge } from '../../ui/status.tsx';
import { NATIONAL_CODE_PROBLEM_MESSAGE } from '../../ui/code-problem.ts';
import { MIN_CODE_PREFIX_DIGITS, SEARCH_RESULT_LIMIT, searchCards } from '../../db/queries.ts';
import { useServices } from '../../services/services.tsx';
import { useCardSearch, useCounterSnapshot, type SearchAnswer } from './use-card-search.ts';
import { cardPath, findScannedCard, readSearchScreenState } from '../../services/counter-flow.ts';
import { SavedConfirmation } from './SavedConfirmation.tsx';

// The camera panel and its barcode reader load when the clerk first taps "scan"; a chunk that
// cannot load closes the panel with a message, never an error screen.
const CameraScanner = lazy(() =>
  import('./CameraScanner.tsx').catch(() => ({ default: CameraUnavailable })),
);
function CameraUnavailable({ onClose }: { onClose: (problem?: MessageKey) => void }) {
  useEffect(() => onClose('cameraDetectorFailed'), [onClose]);
  return null;
}

export function SearchScreen() {
  const { t, count } = useI18n();
  const navigate = useNavigate();
  const { db } = useServices();
  // Arriving from a saved handover (its confirmation) or a scan that found no single card.
  const location = useLocation();
  const arrival = readSearchScreenState(location.state);
  const [query, setQuery] = useState(arrival.query ?? '');
  // A scan from another part of the counter may land here again while search shows.
  const [arrivalKey, setArrivalKey] = useState(location.key);
  if (location.key !== arrivalKey) {
    setArrivalKey(location.key);
    if (arrival.query !== undefined) setQuery(arrival.query);
  }
  const [eagerAnswer, setEagerAnswer] = useState<SearchAnswer>();
  const latestQuery = useRef('');
  const liveAnswer = useCardSearch(query);
  const answer = pickAnswer(query, liveAnswer, eagerAnswer);

  // The live query subscribes in an effect, after the keystroke has painted; searching right
  // in the input handler saves that frame. The live answer takes over once it arrives and
  // keeps the results current as cards change.
  const changeQuery = (value: string) => {
    setQuery(value);
    latestQuery.current = value;
    void searchCards(db, value).then((outcome) => {
      if (latestQuery.current === value) setEagerAnswer({ query: value, outcome });
    });
  };
  const counters = useCounterSnapshot();
  const hintId = useId();
  const [camera, setCamera] = useState<{ open: boolean; problem?: MessageKey }>({ open: false });
  const form = useRef<HTMLFormElement>(null);
  // A camera read goes into the box as a USB scanner's keystrokes do, and is submitted as its Enter.
  const searchScanned = (code: string) => {
    setCamera({ open: false });
    flushSync(() => changeQuery(code));
    form.current?.requestSubmit();
  };

  // A barcode scanner types the code and presses Enter faster than the live results refresh,
  // so Enter searches afresh: a single match, or an exact code match, opens the card at once.
  const openSingleMatch = async (event: FormEvent) => {
    event.preventDefault();
    const { cardId, code } = await findScannedCard(db, query);
    if (cardId) void navigate(cardPath(cardId));
    else if (code !== query) changeQuery(code);
  };

  return (
    <section className="screen search-screen" aria-labelledby="search-title">
      <h1 id="search-title" className="visually-hidden">
        {t('navSearch')}
      </h1>
      <dl className="counters" aria-live="polite">
        <div>
          <dt>{t('countReady')}</dt>
          <dd data-testid="count-ready">{counters ? count(counters.ready) : '…'}</dd>
        </div>
        <div>
          <dt>{t('countToday')}</dt>
          <dd data-testid="count-today">{counters ? count(counters.handoversToday) : '…'}</dd>
        </div>
      </dl>
      {arrival.saved ? <SavedConfirmation saved={arrival.saved} /> : null}
      <form
        ref={form}
        role="search"
        onSubmit={(event) => void openSingleMatch(event)}
        className="search-form"
      >
        <label htmlFor="card-search" className="search-label">
          {t('searchLabel')}
        </label>
        <input
          id="card-search"
          className="search-input"
          type="search"
          autoFocus
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="search"
          aria-describedby={hintId}
          placeholder={t('searchPlaceholder')}
          value={query}
          onChange={(event) => changeQuery(event.target.value)}
        />
        <p id={hintId} className="hint">
          {t('searchHint')}
        </p>
      </form>
      <button
        type="button"
        className="button scan-button"
        onClick={() => setCamera({ open: true })}
      >
        {t('cameraScan')}
      </button>
      {camera.problem ? (
        <p className="notice notice-warning" role="alert">
          {t(camera.problem)}
        </p>
      ) : null}
      {camera.open ? (
        <Suspense fallback={null}>
          <CameraScanner
            onCode={searchScanned}
            onClose={(problem) => setCamera({ open: false, problem })}
          />
        </Suspense>
      ) : null}
      <SearchResults answer={answer} />
    </section>
  );
}

function pickAnswer(
  query: string,
  live: SearchAnswer | undefined,
  eager: SearchAnswer | undefined,
): SearchAnswer | undefined {
  if (live?.query === query) return live;
  if (eager?.query === query) return eager;
  return live ?? eager;
}

function searchedAsOf(answer: SearchAnswer): string | undefined {
  return answer.outcome.kind === 'name' ? answer.outcome.searchedAs : undefined;
}

function sameAnswer(a: SearchAnswer | undefined, b: SearchAnswer | undefined): boolean {
  if (a === b) return true;
  if (
    !a ||
    !b ||
    a.query !== b.query ||
    a.outcome.kind !== b.outcome.kind ||
    a.outcome.cards.length !== b.outcome.cards.length ||
    searchedAsOf(a) !== searchedAsOf(b)
  )
    return false;
  return a.outcome.cards.every((card, i) => {
    const other = b.outcome.cards[i]!;
    return (
      card.cardId === other.cardId && card.version === other.version && card.status === other.status
    );
  });
}

/**
 * Memoised on the answer's content: a keystroke re-renders the box at once, and the fifty result
 * rows only when the answer for the new query arrives.
 */
const SearchResults = memo(
  function SearchResults({ answer }: { answer: SearchAnswer | undefined }) {
    const { t, digits } = useI18n();
    const outcome = answer?.outcome;
    const cards = outcome?.cards ?? [];
    const searchedAs = answer ? searchedAsOf(answer) : undefined;
    return (
      <div className="search-results" data-query={answer?.query ?? ''}>
        {outcome?.kind === 'empty' || !outcome ? (
          <p className="muted">{t('searchStartTyping')}</p>
        ) : outcome.kind === 'keep-typing' ? (
          <p className="muted">{t('searchKeepTyping', { count: MIN_CODE_PREFIX_DIGITS })}</p>
        ) : outcome.kind === 'invalid-national-code' ? (
          <p className="notice notice-warning" role="alert">
            {t('searchInvalidCode', { reason: t(NATIONAL_CODE_PROBLEM_MESSAGE[outcome.problem]) })}
          </p>
        ) : cards.length === 0 ? (
          <p className="notice" role="status">
            {searchedAs === undefined
              ? t('searchNoResults')
              : t('searchLayoutHint', { text: searchedAs })}
          </p>
        ) : (
          <>
            <h2 className="visually-hidden">{t('searchResults')}</h2>
            {searchedAs === undefined ? null : (
              <p className="notice searched-as" data-testid="searched-as">
                {t('searchSearchedAs', { text: searchedAs })}
              </p>
            )}
            <p className="muted result-count" role="status">
              {t('searchResultCount', { count: cards.length })}
            </p>
            <ul className="result-list">
              {cards.map((card) => (
                <li key={card.cardId}>
                  <Link className="result" to={`/cards/${encodeURIComponent(card.cardId)}`}>
                    <span className="result-name">
                      {card.firstName} {card.lastName}
                    </span>
                    <CardStatusBadge status={card.status} />
                    <span className="result-meta">
                      {card.fatherName ? (
                        <span>
                          {t('fieldFatherName')}: {card.fatherName}
                        </span>
                      ) : null}
                      <span>
                        {t('fieldNationalCode')}:{' '}
                        <bdi className="code">{digits(card.nationalCode)}</bdi>
                      </span>
                      <span>
                        {t('fieldBox')}: <bdi>{card.box ? digits(card.box) : t('notRecorded')}</bdi>
                      </span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            {cards.length >= SEARCH_RESULT_LIMIT ? (
              <p className="muted">{t('searchMoreResults', { count: SEARCH_RESULT_LIMIT })}</p>
            ) : null}
          </>
        )}
      </div>
    );
  },
  (before, after) => sameAnswer(before.answer, after.answer),
);
