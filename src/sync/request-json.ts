// One request outside the sync engine (enrolment, retiring a device, a PIN change), with a
// deadline that covers the body too, as the engine's requests have.

export interface JsonAnswer {
  response: Response;
  /** The body read as JSON; undefined when it was not JSON. */
  body: unknown;
}

/** The answer to `url` and its JSON body, or null when none came in `timeoutMs` (offline). */
export async function requestJson(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<JsonAnswer | null> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchFn(url, { cache: 'no-store', ...init, signal: controller.signal });
    const body: unknown = await response.json().catch(() => undefined);
    return { response, body };
  } catch {
    return null;
  } finally {
    clearTimeout(timeout);
  }
}
