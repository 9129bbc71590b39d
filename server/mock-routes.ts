// The mock registry's /__mock/ controls: reset, load cards (JSON or a manifest CSV), revoke,
// list accepted events, set faults. They stand in for a registry's own staff and tools, for
// tests and the demo. Must stay true: every control needs the administrator token (never a
// device token), answers no cross-origin headers, and takes a bounded body, so no web page a
// clerk opens can reach them; a control that changes state answers only once it is durable; a
// handover loaded with a card is the administrator's data and is not signature-checked.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Card, ProtocolEvent } from '../src/protocol/protocol.ts';
import { CARD_STATUSES, DEMO_CENTER_ID, isOneOf } from '../src/protocol/protocol.ts';
import { checkManifest } from '../src/domain/manifest.ts';
import { readManifestCsv } from '../src/domain/manifest-csv.ts';
import { parseNationalCode } from '../src/domain/national-code.ts';
import { demoBox, mulberry32, randomDemoPerson } from './demo-inventory.ts';
import { parseEvent } from './event-validation.ts';
import type { FaultOptions } from './faults.ts';
import {
  HttpError,
  malformed,
  mediaType,
  readBody,
  readJson,
  requireAdminToken,
  sendJson,
} from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryStore } from './registry-store.ts';

/** A control's JSON body: a few fields. */
export const MAX_CONTROL_BODY_BYTES = 64 * 1024;
/** A card load (JSON cards or a manifest CSV) may hold a center's whole inventory. */
export const MAX_INVENTORY_BODY_BYTES = 16 * 1024 * 1024;
/** Cards in one JSON load (a whole inventory; the administrator's tool, not a tablet's). */
const MAX_INVENTORY_ENTRIES = 1_000_000;

/** What `GET /__mock/events` answers: the center's accepted events, in acceptance order. */
export interface MockEventsResponse {
  events: readonly ProtocolEvent[];
}

export interface MockControls {
  faults(): FaultOptions;
  setFaults(changes: Partial<FaultOptions>): FaultOptions;
  reset(seedCards?: number, seed?: number): Promise<void>;
}

export interface MockRouteContext {
  state: RegistryStore;
  controls: MockControls;
  /** The administrator's token: the only credential the controls take. */
  adminToken: string;
}

function stringHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

function optionalText(record: Record<string, unknown>, field: string): string | null | undefined {
  const value = record[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw malformed(`cards: ${field} must be text`);
  return value;
}

/**
 * A card for /__mock/cards: given fields win, the rest come from a random demo person seeded by
 * the card id, so loading the same partial card twice gives the same card.
 */
function completeCard(
  centerId: string,
  partial: unknown,
  fallbackIndex: number,
  nextFreeCardId: () => string,
): Card {
  if (!isRecord(partial)) throw malformed('cards: each card must be an object');
  const cardId = optionalText(partial, 'cardId') || nextFreeCardId();
  const person = randomDemoPerson(mulberry32(stringHash(`${centerId}/${cardId}`)));
  let nationalCode = person.nationalCode;
  const givenCode = optionalText(partial, 'nationalCode');
  if (givenCode) {
    const parsed = parseNationalCode(givenCode);
    if (!parsed.ok)
      throw malformed(`cards: ${cardId} has an invalid national code (${parsed.problem})`);
    nationalCode = parsed.code;
  }
  let handover: Card['handover'] = null;
  if (partial.handover !== undefined && partial.handover !== null) {
    const parsed = parseEvent(partial.handover);
    if (!parsed.ok || parsed.event.type !== 'handover')
      throw malformed(
        `cards: ${cardId} has an invalid handover (${parsed.ok ? 'not a handover' : parsed.reason})`,
      );
    if (parsed.event.cardId !== cardId)
      throw malformed(`cards: ${cardId} has a handover of another card`);
    handover = parsed.event;
  }
  const status = partial.status ?? (handover ? 'handed_over' : 'ready');
  if (!isOneOf(CARD_STATUSES, status)) throw malformed(`cards: ${cardId} has an unknown status`);
  if (status === 'handed_over' && !handover)
    throw malformed(`cards: ${cardId} is handed_over without its handover event`);
  const pick = (field: string, fallback: string | null): string | null => {
    const value = optionalText(partial, field);
    return value === undefined ? fallback : value;
  };
  return {
    cardId,
    centerId,
    nationalCode,
    firstName: pick('firstName', person.firstName) ?? person.firstName,
    lastName: pick('lastName', person.lastName) ?? person.lastName,
    fatherName: pick('fatherName', person.fatherName),
    birthDate: pick('birthDate', person.birthDate),
    trackingCode: pick('trackingCode', person.trackingCode),
    box: pick('box', demoBox(fallbackIndex)),
    status,
    version: 0,
    updatedAt: '',
    handover,
  };
}

/** Protocol 2 has no center tokens: a tablet enrols with a one-time code instead. */
const NO_CENTER_TOKENS =
  'centers have no token since protocol 2: issue an enrolment code (POST /api/v2/admin/centers/{centerId}/enrolment-codes) and enrol a device';

/** POST /__mock/cards?centerId=… with an inventory manifest CSV as the body. */
async function loadManifest(
  state: RegistryStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const centerId = url.searchParams.get('centerId');
  if (!centerId) throw malformed('centerId query parameter is required with a CSV body');
  if (url.searchParams.has('token')) throw malformed(NO_CENTER_TOKENS);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      await readBody(req, MAX_INVENTORY_BODY_BYTES),
    );
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw malformed('the manifest is not UTF-8 text');
  }
  const { header, rows } = readManifestCsv(text);
  const checked = checkManifest(header, rows);
  if (!checked.ok) {
    const parts: string[] = [];
    if (checked.missing.length > 0)
      parts.push(`missing required column(s): ${checked.missing.join(', ')}`);
    if (checked.duplicate.length > 0)
      parts.push(`column(s) named more than once: ${checked.duplicate.join(', ')}`);
    throw malformed(`the manifest is refused: ${parts.join('; ')}`);
  }
  const counts = await state.importManifestCards(
    centerId,
    checked.cards.map(({ card }) => card),
  );
  sendJson(res, 200, {
    centerId,
    ...counts,
    rejectedRows: checked.rejectedRows,
    rejected: checked.problems,
  });
}

export function createMockRoutes(context: MockRouteContext) {
  const { state, controls, adminToken } = context;
  const requireAdmin = (req: IncomingMessage) =>
    requireAdminToken(req, adminToken, 'the /__mock/ controls');

  return async function handleMock(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    requireAdmin(req);
    const endpoint = url.pathname.slice('/__mock/'.length);
    const requireMethod = (method: string) => {
      if (req.method !== method)
        throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    };
    const centerOf = async (value: unknown): Promise<string> => {
      if (typeof value !== 'string' || value === '') throw malformed('centerId is required');
      if (!(await state.hasCenter(value)))
        throw new HttpError(404, 'not_found', `unknown center ${value}`);
      return value;
    };

    switch (endpoint) {
      case 'reset': {
        requireMethod('POST');
        const body = await readJson(req, MAX_CONTROL_BODY_BYTES, { optional: true });
        if (!isRecord(body)) throw malformed('body must be an object');
        await controls.reset(
          body.seedCards === undefined ? undefined : (body.seedCards as number),
          body.seed === undefined ? undefined : (body.seed as number),
        );
        sendJson(res, 200, {
          ok: true,
          centerId: DEMO_CENTER_ID,
          cards: await state.cardCount(DEMO_CENTER_ID),
        });
        return;
      }
      case 'cards': {
        if (req.method === 'GET') {
          const centerId = await centerOf(url.searchParams.get('centerId'));
          const cardId = url.searchParams.get('cardId');
          if (cardId === null) {
            sendJson(res, 200, { cards: await state.listCards(centerId) });
            return;
          }
          const card = await state.getCard(centerId, cardId);
          if (!card) throw new HttpError(404, 'not_found', `unknown card ${cardId}`);
          sendJson(res, 200, { card });
          return;
        }
        requireMethod('POST');
        if (mediaType(req) === 'text/csv') {
          await loadManifest(state, req, res, url);
          return;
        }
        const body = await readJson(req, MAX_INVENTORY_BODY_BYTES, {
          maxEntries: MAX_INVENTORY_ENTRIES,
        });
        if (
          !isRecord(body) ||
          typeof body.centerId !== 'string' ||
          body.centerId === '' ||
          !Array.isArray(body.cards)
        ) {
          throw malformed('body must be { "centerId": "…", "cards": [...], "replace"?: boolean }');
        }
        if (body.token !== undefined) throw malformed(NO_CENTER_TOKENS);
        const centerId = body.centerId;
        const replace = body.replace === true;
        const held = replace ? new Set<string>() : new Set(await state.cardIds(centerId));
        const start = held.size;
        const given = new Set(
          (body.cards as unknown[]).map((partial) =>
            isRecord(partial) ? partial.cardId : undefined,
          ),
        );
        let serial = start;
        const nextFreeCardId = () => {
          let cardId: string;
          do cardId = `C-${String(++serial).padStart(7, '0')}`;
          while (given.has(cardId) || held.has(cardId));
          given.add(cardId);
          return cardId;
        };
        const cards = (body.cards as unknown[]).map((partial, index) =>
          completeCard(centerId, partial, start + index, nextFreeCardId),
        );
        const stored = await state.putCards(centerId, cards, { replace });
        sendJson(res, 200, { centerId, cards: stored });
        return;
      }
      case 'revoke': {
        requireMethod('POST');
        const body = await readJson(req, MAX_CONTROL_BODY_BYTES);
        if (!isRecord(body)) throw malformed('body must be { "centerId": "…", "cardId": "…" }');
        const centerId = await centerOf(body.centerId);
        const status = body.status ?? 'revoked';
        if (status !== 'revoked' && status !== 'returned' && status !== 'ready')
          throw malformed('status must be revoked, returned or ready');
        const card =
          typeof body.cardId === 'string'
            ? await state.setCardStatus(centerId, body.cardId, status)
            : undefined;
        if (!card) throw new HttpError(404, 'not_found', `unknown card ${String(body.cardId)}`);
        sendJson(res, 200, { card });
        return;
      }
      case 'events': {
        requireMethod('GET');
        const centerId = await centerOf(url.searchParams.get('centerId') ?? DEMO_CENTER_ID);
        const answer: MockEventsResponse = { events: await state.acceptedEvents(centerId) };
        sendJson(res, 200, answer);
        return;
      }
      case 'faults': {
        if (req.method === 'GET') {
          sendJson(res, 200, { faults: controls.faults() });
          return;
        }
        requireMethod('POST');
        const body = await readJson(req, MAX_CONTROL_BODY_BYTES);
        if (!isRecord(body)) throw malformed('body must be an object of faults');
        sendJson(res, 200, { faults: controls.setFaults(body as Partial<FaultOptions>) });
        return;
      }
      default:
        throw new HttpError(404, 'not_found', `no mock endpoint ${url.pathname}`);
    }
  };
}
