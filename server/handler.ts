// The mock registry's HTTP face: sync protocol v1 (docs/protocol.md), the /__mock/
// test controls, fault injection and, optionally, the built app. Must stay true: a request that
// changes state is answered only after the change is on disk; every error body is
// { error: { code, message } }; faults draw from the injected random source only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Card,
  ErrorBody,
  ErrorCode,
  ProtocolEvent,
  PullResponse,
  PushResponse,
} from '../src/protocol/protocol.ts';
import {
  CARD_STATUSES,
  DEMO_CENTER_ID,
  HEALTH_PATH,
  MAX_PUSH_EVENTS,
  PROTOCOL_BASE_PATH,
  isOneOf,
} from '../src/protocol/protocol.ts';
import { checkManifest } from '../src/domain/manifest.ts';
import { parseNationalCode } from '../src/domain/national-code.ts';
import {
  DEFAULT_DEMO_CARD_COUNT,
  DEFAULT_DEMO_SEED,
  demoBox,
  generateDemoCards,
  mulberry32,
  randomDemoPerson,
} from './demo-inventory.ts';
import { readManifestCsv } from '../src/domain/manifest-csv.ts';
import { RegistryPersister, loadRegistryFile } from './persistence.ts';
import { RegistryInputError, RegistryState, parseEvent, parsePullLimit } from './registry-state.ts';
import { createStaticHandler } from './static-files.ts';

/** What `GET /__mock/events` answers: the center's accepted events, in acceptance order. */
export interface MockEventsResponse {
  events: readonly ProtocolEvent[];
}

export interface FaultOptions {
  /** Delay before every protocol request is handled (health excepted). */
  latencyMs: number;
  /** Share of protocol requests answered 503 before anything happens. */
  failRate: number;
  /** Share of successful protocol requests whose answer is lost after the change is committed. */
  dropRate: number;
  /** Share of protocol requests answered 429 with `Retry-After: 1`. */
  retryAfter429Rate: number;
}

export interface RegistryHandlerOptions {
  /** Snapshot file (a journal sits beside it); without it the state lives in memory only. */
  dataFile?: string;
  /** Ignore an existing data file and start from a fresh demo inventory. */
  fresh?: boolean;
  /** Size of DEMO-01's inventory when starting fresh or on /__mock/reset (default 5000). */
  seedCards?: number;
  /** Seed of the demo inventory (default DEFAULT_DEMO_SEED). */
  seed?: number;
  /** Device token per center, e.g. { 'DEMO-01': 'secret' }; centers named here exist even without cards. */
  tokens?: Record<string, string>;
  faults?: Partial<FaultOptions>;
  /** Random source for fault decisions; inject a seeded one to make tests deterministic. */
  random?: () => number;
  now?: () => Date;
  /** Serve this folder (the built app) for paths outside /api/ and /__mock/. */
  serveAppDir?: string;
  /** The /__mock/ endpoints (default on): for tests and demos only. */
  mockEndpoints?: boolean;
  /** Cross-origin headers on /api/ and /__mock/ (default on): the dev server runs on another port. */
  cors?: boolean;
}

export interface RegistryHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly state: RegistryState;
  /** Resolves once every change so far is on disk (immediately without a data file). */
  flush(): Promise<void>;
  faults(): FaultOptions;
  setFaults(changes: Partial<FaultOptions>): FaultOptions;
  /** Empties every center and reseeds DEMO-01, as POST /__mock/reset does. */
  reset(seedCards?: number, seed?: number): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_SEED_CARDS = 1_000_000;
const MAX_LATENCY_MS = 120_000;
const CENTER_ROUTE = new RegExp(`^${PROTOCOL_BASE_PATH}/centers/([^/]+)/(cards|events)$`);

/** A whole number from `min` to `max`, as a control body's number field must be. */
function isIntegerFrom(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const malformed = (message: string) => new HttpError(400, 'malformed', message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body, error.headers);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(
        new HttpError(
          413,
          'batch_too_large',
          `request body is larger than ${MAX_BODY_BYTES} bytes`,
        ),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new HttpError(
            413,
            'batch_too_large',
            `request body is larger than ${MAX_BODY_BYTES} bytes`,
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) {
    if (optional) return {};
    throw malformed('request body is empty');
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw malformed('request body is not valid JSON');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkRate(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw malformed(`${name} must be a number from 0 to 1`);
  return value;
}

function checkFaults(current: FaultOptions, changes: Record<string, unknown>): FaultOptions {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (key === 'latencyMs') {
      if (!isIntegerFrom(value, 0, MAX_LATENCY_MS)) {
        throw malformed(`latencyMs must be an integer from 0 to ${MAX_LATENCY_MS}`);
      }
      next.latencyMs = value;
    } else if (key === 'failRate' || key === 'dropRate' || key === 'retryAfter429Rate') {
      next[key] = checkRate(value, key);
    } else {
      throw malformed(`unknown fault ${key}`);
    }
  }
  return next;
}

/** The Content-Type without its parameters, lower case ('' when absent). */
function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
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

export function createRegistryHandler(options: RegistryHandlerOptions = {}): RegistryHandler {
  const seedCards = options.seedCards ?? DEFAULT_DEMO_CARD_COUNT;
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const random = options.random ?? Math.random;
  const stateOptions = options.now ? { now: options.now } : {};
  const mockEndpoints = options.mockEndpoints ?? true;
  const cors = options.cors ?? true;
  let faults = checkFaults(
    { latencyMs: 0, failRate: 0, dropRate: 0, retryAfter429Rate: 0 },
    { ...options.faults },
  );

  const loaded =
    options.dataFile && !options.fresh
      ? loadRegistryFile(options.dataFile, stateOptions)
      : undefined;
  const state = loaded?.state ?? new RegistryState(stateOptions);
  const persister = options.dataFile
    ? new RegistryPersister(options.dataFile, state, loaded)
    : undefined;

  const checkSeedOptions = (count: unknown, demoSeed: unknown): void => {
    if (!isIntegerFrom(count, 0, MAX_SEED_CARDS)) {
      throw malformed(`seedCards must be an integer from 0 to ${MAX_SEED_CARDS}`);
    }
    if (typeof demoSeed !== 'number' || !Number.isInteger(demoSeed))
      throw malformed('seed must be an integer');
  };
  const seedDemo = (count: number, demoSeed: number) => {
    checkSeedOptions(count, demoSeed);
    state.ensureCenter(DEMO_CENTER_ID);
    state.putCards(DEMO_CENTER_ID, generateDemoCards(DEMO_CENTER_ID, count, demoSeed), {
      keepUpdatedAt: true,
    });
  };
  if (!loaded) seedDemo(seedCards, seed);
  for (const [centerId, token] of Object.entries(options.tokens ?? {}))
    state.ensureCenter(centerId, token);

  const flush = async (): Promise<void> => {
    if (!persister) return;
    try {
      await persister.flush();
    } catch (error) {
      throw new HttpError(
        500,
        'internal',
        `could not save the registry state: ${(error as Error).message}`,
      );
    }
  };

  const chance = (rate: number) => rate > 0 && random() < rate;

  /** Commit is done; now either answer or, for the "answer lost" fault, cut the connection. */
  const answer = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (chance(faults.dropRate)) {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, body);
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, 'method_not_allowed', 'use GET', { Allow: 'GET' });
      sendJson(res, 200, { ok: true });
      return;
    }
    const route = CENTER_ROUTE.exec(url.pathname);
    if (!route) throw new HttpError(404, 'not_found', `no endpoint at ${url.pathname}`);
    const resource = route[2] as 'cards' | 'events';
    const method = resource === 'cards' ? 'GET' : 'POST';
    if (req.method !== method)
      throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    let centerId: string;
    try {
      centerId = decodeURIComponent(route[1] as string);
    } catch {
      throw malformed('center id is not valid percent-encoding');
    }

    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (chance(faults.retryAfter429Rate))
      throw new HttpError(429, 'rate_limited', 'too many requests; retry later', {
        'Retry-After': '1',
      });
    if (chance(faults.failRate))
      throw new HttpError(
        503,
        'unavailable',
        'the registry is temporarily unavailable (injected fault)',
      );

    const token = bearerToken(req);
    if (token === undefined)
      throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <device token>');
    const tokenCenter = state.centerForToken(token);
    if (tokenCenter === undefined)
      throw new HttpError(401, 'unauthorized', 'device token is not valid');
    if (!req.headers['x-device-id']) throw malformed('missing X-Device-Id header');
    if (!state.hasCenter(centerId))
      throw new HttpError(404, 'not_found', `unknown center ${centerId}`);
    if (tokenCenter !== centerId)
      throw new HttpError(403, 'forbidden', `device token is not valid for center ${centerId}`);

    if (resource === 'cards') {
      let page: PullResponse;
      try {
        page = state.pullCards(
          centerId,
          url.searchParams.get('cursor'),
          parsePullLimit(url.searchParams.get('limit')),
        );
      } catch (error) {
        if (error instanceof RegistryInputError) throw malformed(error.message);
        throw error;
      }
      // Never show a client a version that a crash could take back.
      await flush();
      answer(req, res, page);
      return;
    }

    const body = await readJson(req);
    if (!isRecord(body) || !Array.isArray(body.events))
      throw malformed('body must be { "events": [...] }');
    if (body.events.length > MAX_PUSH_EVENTS) {
      throw new HttpError(
        413,
        'batch_too_large',
        `at most ${MAX_PUSH_EVENTS} events per request, got ${body.events.length}`,
      );
    }
    const response: PushResponse = {
      results: state.applyEvents(centerId, body.events as unknown[]),
    };
    await flush();
    answer(req, res, response);
  }

  /** POST /__mock/cards?centerId=…[&token=…] with an inventory manifest CSV as the body. */
  async function loadManifest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const centerId = url.searchParams.get('centerId');
    if (!centerId) throw malformed('centerId query parameter is required with a CSV body');
    const token = url.searchParams.get('token');
    if (token === '') throw malformed('token must not be empty');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readBody(req));
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
    try {
      state.ensureCenter(centerId, token ?? undefined);
    } catch (error) {
      if (error instanceof RegistryInputError) throw malformed(error.message);
      throw error;
    }
    const counts = state.importManifestCards(
      centerId,
      checked.cards.map(({ card }) => card),
    );
    await flush();
    sendJson(res, 200, {
      centerId,
      token: state.tokenOf(centerId),
      ...counts,
      rejectedRows: checked.rejectedRows,
      rejected: checked.problems,
    });
  }

  async function handleMock(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const endpoint = url.pathname.slice('/__mock/'.length);
    const requireMethod = (method: string) => {
      if (req.method !== method)
        throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    };
    const centerOf = (value: unknown): string => {
      if (typeof value !== 'string' || value === '') throw malformed('centerId is required');
      if (!state.hasCenter(value)) throw new HttpError(404, 'not_found', `unknown center ${value}`);
      return value;
    };

    switch (endpoint) {
      case 'reset': {
        requireMethod('POST');
        const body = await readJson(req, true);
        if (!isRecord(body)) throw malformed('body must be an object');
        await handler.reset(
          body.seedCards === undefined ? undefined : (body.seedCards as number),
          body.seed === undefined ? undefined : (body.seed as number),
        );
        sendJson(res, 200, {
          ok: true,
          centerId: DEMO_CENTER_ID,
          cards: state.cardCount(DEMO_CENTER_ID),
        });
        return;
      }
      case 'cards': {
        if (req.method === 'GET') {
          const centerId = centerOf(url.searchParams.get('centerId'));
          const cardId = url.searchParams.get('cardId');
          if (cardId === null) {
            sendJson(res, 200, { cards: state.listCards(centerId) });
            return;
          }
          const card = state.getCard(centerId, cardId);
          if (!card) throw new HttpError(404, 'not_found', `unknown card ${cardId}`);
          sendJson(res, 200, { card });
          return;
        }
        requireMethod('POST');
        if (mediaType(req) === 'text/csv') {
          await loadManifest(req, res, url);
          return;
        }
        const body = await readJson(req);
        if (
          !isRecord(body) ||
          typeof body.centerId !== 'string' ||
          body.centerId === '' ||
          !Array.isArray(body.cards)
        ) {
          throw malformed(
            'body must be { "centerId": "…", "cards": [...], "replace"?: boolean, "token"?: "…" }',
          );
        }
        if (body.token !== undefined && (typeof body.token !== 'string' || body.token === ''))
          throw malformed('token must be text');
        const centerId = body.centerId;
        const replace = body.replace === true;
        const start = replace ? 0 : state.cardCount(centerId);
        const given = new Set(
          (body.cards as unknown[]).map((partial) =>
            isRecord(partial) ? partial.cardId : undefined,
          ),
        );
        let serial = start;
        const nextFreeCardId = () => {
          let cardId: string;
          do cardId = `C-${String(++serial).padStart(7, '0')}`;
          while (
            given.has(cardId) ||
            (!replace && state.hasCenter(centerId) && state.getCard(centerId, cardId))
          );
          given.add(cardId);
          return cardId;
        };
        const cards = (body.cards as unknown[]).map((partial, index) =>
          completeCard(centerId, partial, start + index, nextFreeCardId),
        );
        try {
          state.ensureCenter(centerId, body.token as string | undefined);
        } catch (error) {
          if (error instanceof RegistryInputError) throw malformed(error.message);
          throw error;
        }
        if (replace) state.removeAllCards(centerId);
        const stored = state.putCards(centerId, cards);
        await flush();
        sendJson(res, 200, { centerId, token: state.tokenOf(centerId), cards: stored });
        return;
      }
      case 'revoke': {
        requireMethod('POST');
        const body = await readJson(req);
        if (!isRecord(body)) throw malformed('body must be { "centerId": "…", "cardId": "…" }');
        const centerId = centerOf(body.centerId);
        const status = body.status ?? 'revoked';
        if (status !== 'revoked' && status !== 'returned' && status !== 'ready')
          throw malformed('status must be revoked, returned or ready');
        const card =
          typeof body.cardId === 'string'
            ? state.setCardStatus(centerId, body.cardId, status)
            : undefined;
        if (!card) throw new HttpError(404, 'not_found', `unknown card ${String(body.cardId)}`);
        await flush();
        sendJson(res, 200, { card });
        return;
      }
      case 'events': {
        requireMethod('GET');
        const centerId = centerOf(url.searchParams.get('centerId') ?? DEMO_CENTER_ID);
        const answer: MockEventsResponse = { events: state.acceptedEvents(centerId) };
        sendJson(res, 200, answer);
        return;
      }
      case 'faults': {
        if (req.method === 'GET') {
          sendJson(res, 200, { faults });
          return;
        }
        requireMethod('POST');
        const body = await readJson(req);
        if (!isRecord(body)) throw malformed('body must be an object of faults');
        sendJson(res, 200, { faults: handler.setFaults(body as Partial<FaultOptions>) });
        return;
      }
      default:
        throw new HttpError(404, 'not_found', `no mock endpoint ${url.pathname}`);
    }
  }

  const serveStatic = options.serveAppDir ? createStaticHandler(options.serveAppDir) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    const isApi =
      url.pathname === PROTOCOL_BASE_PATH ||
      url.pathname.startsWith(`${PROTOCOL_BASE_PATH}/`) ||
      url.pathname.startsWith('/api/');
    const isMock = url.pathname.startsWith('/__mock/');
    try {
      if (isApi || isMock) {
        if (cors) {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
        }
        if (req.method === 'OPTIONS' && cors) {
          res.writeHead(204, {
            'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
            'Access-Control-Allow-Headers': 'Authorization, X-Device-Id, Content-Type',
            'Access-Control-Max-Age': '600',
          });
          res.end();
          return;
        }
        if (isApi) await handleApi(req, res, url);
        else if (mockEndpoints) await handleMock(req, res, url);
        else throw new HttpError(404, 'not_found', 'mock endpoints are disabled');
        return;
      }
      if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
        await serveStatic(req, res, url.pathname);
        return;
      }
      throw new HttpError(404, 'not_found', `nothing at ${url.pathname}`);
    } catch (error) {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(
              500,
              'internal',
              `internal error: ${(error as Error)?.message ?? String(error)}`,
            );
      if (httpError.status === 500 && !(error instanceof HttpError))
        console.error('[mock-registry]', error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An unread request body would otherwise keep the keep-alive connection busy.
      if (httpError.status === 413) res.setHeader('Connection', 'close');
      sendError(res, httpError);
    }
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  }) as RegistryHandler;

  Object.defineProperty(handler, 'state', { value: state, enumerable: true });
  handler.flush = () => persister?.flush() ?? Promise.resolve();
  handler.faults = () => ({ ...faults });
  handler.setFaults = (changes) => {
    faults = checkFaults(faults, changes as Record<string, unknown>);
    return { ...faults };
  };
  handler.reset = async (count = seedCards, demoSeed = seed) => {
    checkSeedOptions(count, demoSeed);
    state.clearAll();
    seedDemo(count, demoSeed);
    await flush();
  };
  return handler;
}
