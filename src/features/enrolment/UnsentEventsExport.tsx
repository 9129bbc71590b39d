// "Save the unsent events file": what a tablet that cannot send gives the office (a withdrawn
// device, or one leaving its center), then reads back. A download can be cancelled or fail
// without the page knowing, so the events stop holding the tablet in its center only once the
// saved file has been chosen again and found to hold every one of them (db/unsent-export.ts).
import { useEffect, useState, type ChangeEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { newestEventSeq, outboxSummary } from '../../db/outbox.ts';
import {
  buildUnsentEventsFile,
  confirmUnsentEventsFile,
  unsentEventsFileName,
} from '../../db/unsent-export.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { saveFile } from '../../ui/save-file.ts';
import { useServices } from '../../services/services.tsx';

/** How many events the file would hold now (unsent, or refused and not yet settled). */
export function useUnsettledCount(): number {
  const { db } = useServices();
  const summary = useLiveQuery(() => outboxSummary(db), [db]);
  return (summary?.pending ?? 0) + (summary?.needsAttention ?? 0);
}

export function UnsentEventsExport() {
  const i18n = useI18n();
  const { t, count } = i18n;
  const { db, now } = useServices();
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // A new event after a file was found whole is in no file: that "found whole" no longer holds.
  const newest = useLiveQuery(() => newestEventSeq(db), [db]);
  useEffect(() => setConfirmed(null), [newest]);

  const save = async () => {
    setProblem(null);
    setConfirmed(null);
    try {
      const file = await buildUnsentEventsFile(db, now());
      const fileName = unsentEventsFileName(file);
      saveFile(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }), fileName);
      setSavedAs(t('unsentSaved', { file: fileName, count: count(file.events.length) }));
    } catch (error) {
      setProblem(describeCommandError(error, i18n));
    }
  };

  const check = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    event.target.value = '';
    if (!chosen) return;
    setProblem(null);
    setConfirmed(null);
    try {
      const text = new TextDecoder().decode(await chosen.arrayBuffer());
      const result = await confirmUnsentEventsFile(db, text);
      if (result.ok) setConfirmed(t('unsentConfirmed', { count: count(result.events) }));
      else if (result.problem === 'missing-events')
        setProblem(t('unsentConfirmMissing', { count: count(result.missing) }));
      else setProblem(t('unsentConfirmNotThisFile'));
    } catch (error) {
      setProblem(describeCommandError(error, i18n));
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={() => void save()}>
        {t('unsentExport')}
      </button>
      {savedAs ? (
        <p className="notice" role="status">
          {savedAs}
        </p>
      ) : null}
      {/* Always offered: a file saved before a reload, or from the other panel, can be read back. */}
      <label className="button file-button">
        {t('unsentConfirmLabel')}
        <input
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          onChange={(event) => void check(event)}
        />
      </label>
      {confirmed ? (
        <p className="notice notice-success" role="status">
          {confirmed}
        </p>
      ) : null}
      <ErrorNotice message={problem} />
    </>
  );
}
