// The protocol's routes (docs/protocol.md): health, the cursor-paged pull and the push of
// events. Must stay true: the order of checks is the documented one (unknown path 404, wrong
// method 405, then 401 / 400 X-Device-Id / 404 center / 403); a request that changes state, or
// shows a version, is answered only after the change is on disk; a push body is bounded by
// MAX_PUSH_EVENTS events of bounded size.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullResponse, PushResponse } from '../src/protocol/protocol.ts';
import { HEALTH_PATH, MAX_PUSH_EVENTS, PROTOCOL_BASE_PATH } from '../src/protocol/protocol.ts';
import type { FaultOptions } from './faults.ts';
import { HttpError, bearerToken, malformed, readJson, sendJson, sleep } from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryState } from './registry-state.ts';
import { RegistryInputError, parsePullLimit } from './registry-state.ts';

/**
 * The largest event a tablet can send: every text at its limit (500 characters, up to three
 * bytes each in UTF-8, or six as a JSON escape) with room for the field names.
 */
export const MAX_EVENT_BYTES = 16 * 1024;
/** A push carries at most MAX_PUSH_EVENTS events: 8,000 KiB, and nothing larger is read. */
export const MAX_PUSH_BODY_BYTES = MAX_PUSH_EVENTS * MAX_EVENT_BYTES;

const CENTER_ROUTE = new RegExp(`^${PROTOCOL_BASE_PATH}/centers/([^/]+)/(cards|events)$`);

export interface ProtocolRouteContext {
  state: RegistryState;
  /** Resolves once every change so far is durable; a failure is a 500. */
  flush(): Promise<void>;
  faults(): FaultOptions;
  /** True with probability `rate`, from the injected random source. */
  chance(rate: number): boolean;
}

export function createProtocolRoutes(context: ProtocolRouteContext) {
  const { state, flush, faults, chance } = context;

  /** Commit is done; now either answer or, for the "answer lost" fault, cut the connection. */
  const answer = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (chance(faults().dropRate)) {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, body);
  };

  return async function handleProtocol(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
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

    const { latencyMs } = faults();
    if (latencyMs > 0) await sleep(latencyMs);
    // Read after the delay: faults changed meanwhile apply to the requests still waiting.
    const { retryAfter429Rate, failRate } = faults();
    if (chance(retryAfter429Rate))
      throw new HttpError(429, 'rate_limited', 'too many requests; retry later', {
        'Retry-After': '1',
      });
    if (chance(failRate))
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

    // No list in a push is longer than its events, so a wide body is refused before parsing.
    const body = await readJson(req, MAX_PUSH_BODY_BYTES, { maxEntries: MAX_PUSH_EVENTS });
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
  };
}
