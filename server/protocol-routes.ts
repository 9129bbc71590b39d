// The protocol's routes (docs/protocol.md): health, enrolment, the cursor-paged pull and the
// push of signed events; the roster's routes are staff-routes.ts and the center's day
// day-feed-routes.ts, with the same checks. Must stay true: the order of checks is the documented one (unknown path
// 404, wrong method 405, then 401 token / 400 X-Device-Id / 401 another device's token / 401
// device_withdrawn / 404 center / 403 another center); a request that changes state, or shows a
// version, is answered only after the change is committed; a push body is bounded by
// MAX_PUSH_EVENTS events of bounded size; an event is kept only with its device's signature.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthResponse, PullResponse, PushResponse } from '../src/protocol/protocol.ts';
import {
  ENROLMENT_PATH,
  RETIRE_DEVICE_PATH,
  HEALTH_PATH,
  MAX_PUSH_EVENTS,
  PROTOCOL_BASE_PATH,
} from '../src/protocol/protocol.ts';
import { createEnrolmentRoute } from './enrolment-routes.ts';
import { deviceRecord } from './device-registry.ts';
import type { FaultOptions } from './faults.ts';
import { injectRequestFaults } from './faults.ts';
import { HttpError, malformed, readJson, sendJson, sendJsonText } from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryStore } from './registry-store.ts';
import { DeviceChangedError, RegistryInputError, parsePullLimit } from './registry-store.ts';
import { createStaffRoutes } from './staff-routes.ts';
import { createDayFeedRoutes } from './day-feed-routes.ts';
import { authenticateDevice, authorizeCenterDevice, decodePathId } from './device-auth.ts';

/**
 * The largest event a tablet can send: every text at its limit (500 characters, up to three
 * bytes each in UTF-8, or six as a JSON escape) with room for the field names.
 */
export const MAX_EVENT_BYTES = 16 * 1024;
/** A push carries at most MAX_PUSH_EVENTS events: 8,000 KiB, and nothing larger is read. */
export const MAX_PUSH_BODY_BYTES = MAX_PUSH_EVENTS * MAX_EVENT_BYTES;

const CENTER_ROUTE = new RegExp(`^${PROTOCOL_BASE_PATH}/centers/([^/]+)/(cards|events)$`);

export interface ProtocolRouteContext {
  state: RegistryStore;
  faults(): FaultOptions;
  /** True with probability `rate`, from the injected random source. */
  chance(rate: number): boolean;
  /** The registry's clock (enrolment codes' expiry, the enrolment guard's window). */
  now(): Date;
}

export function createProtocolRoutes(context: ProtocolRouteContext) {
  const { state, faults, chance } = context;
  const handleEnrolment = createEnrolmentRoute(context);
  const handleStaff = createStaffRoutes(context);
  const handleDayFeed = createDayFeedRoutes(context);

  /** Commit is done; now either answer or, for the "answer lost" fault, cut the connection. */
  const answer = (req: IncomingMessage, res: ServerResponse, json: string) => {
    if (chance(faults().dropRate)) {
      req.socket.destroy();
      return;
    }
    sendJsonText(res, 200, json);
  };

  return async function handleProtocol(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    if (url.pathname === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, 'method_not_allowed', 'use GET', { Allow: 'GET' });
      const health: HealthResponse = { ok: true, serverTime: context.now().toISOString() };
      sendJson(res, 200, health);
      return;
    }
    if (url.pathname === ENROLMENT_PATH) {
      await handleEnrolment(req, res);
      return;
    }
    if (url.pathname === RETIRE_DEVICE_PATH) {
      if (req.method !== 'POST')
        throw new HttpError(405, 'method_not_allowed', 'use POST', { Allow: 'POST' });
      await injectRequestFaults(faults, chance);
      // Its own token proves it is the device; a withdrawn one is told so (already out).
      const device = await authenticateDevice(state, req);
      const retired = await state.devices.withdraw(device.deviceId);
      sendJson(res, 200, { device: retired ? deviceRecord(retired) : null });
      return;
    }
    if (await handleStaff(req, res, url)) return;
    if (await handleDayFeed(req, res, url)) return;
    const route = CENTER_ROUTE.exec(url.pathname);
    if (!route) throw new HttpError(404, 'not_found', `no endpoint at ${url.pathname}`);
    const resource = route[2] as 'cards' | 'events';
    const method = resource === 'cards' ? 'GET' : 'POST';
    if (req.method !== method)
      throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    const centerId = decodePathId(route[1] as string, 'center id');

    await injectRequestFaults(faults, chance);

    const device = await authorizeCenterDevice(state, req, centerId);

    if (resource === 'cards') {
      let page;
      try {
        page = await state.pullPage(
          centerId,
          url.searchParams.get('cursor'),
          parsePullLimit(url.searchParams.get('limit')),
        );
      } catch (error) {
        if (error instanceof RegistryInputError) throw malformed(error.message);
        throw error;
      }
      // The clock as the answer leaves (2.2): the tablet judges its own against the round trip.
      const { itemsJson, ...rest } = page;
      const others: Omit<PullResponse, 'items'> = {
        ...rest,
        serverTime: context.now().toISOString(),
      };
      answer(req, res, `{"items":[${itemsJson}],${JSON.stringify(others).slice(1)}`);
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
    let response: PushResponse;
    try {
      response = {
        results: await state.pushEvents(centerId, device, body.events as unknown[]),
      };
    } catch (error) {
      // Withdrawn or enrolled again while its signatures were being checked: as if just before.
      if (error instanceof DeviceChangedError)
        throw new HttpError(
          401,
          error.withdrawn ? 'device_withdrawn' : 'unauthorized',
          error.message,
        );
      throw error;
    }
    answer(req, res, JSON.stringify(response));
  };
}
