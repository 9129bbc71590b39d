// HTTP plumbing of the mock registry: error answers, JSON answers, and reading request bodies
// within a limit. Must stay true: every error body is { error: { code, message } } with a code
// from src/protocol's ERROR_CODES; a body over its route's limit is refused (413) without being
// read into memory, and a body nested deeper than any registry document is refused before
// JSON.parse sees it. A JSON answer over COMPRESS_MIN_BYTES is compressed as the request's
// Accept-Encoding allows (br, else gzip, else none; decision 027), never to a coding it refused.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { ErrorBody, ErrorCode } from '../src/protocol/protocol.ts';
import { DEFAULT_MAX_JSON_ENTRIES, parseJsonBody } from './json-body.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const malformed = (message: string) => new HttpError(400, 'malformed', message);

/** Answers smaller than this go as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type ContentCoding = 'br' | 'gzip' | 'identity';

/**
 * The coding to answer in, from an `Accept-Encoding` header (RFC 9110 §12.5.3): br or gzip,
 * whichever has the higher q (br on a tie), `*` standing for any coding not named; a coding with
 * q=0 is refused. Without the header, or with neither offered, identity.
 */
export function chooseContentCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const quality = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const match = /^q=([0-9](?:\.[0-9]{0,3})?)$/i.exec(param);
      if (match) q = Math.min(1, Number(match[1]));
    }
    quality.set(name.toLowerCase(), q);
  }
  const wildcard = quality.get('*') ?? 0;
  const q = (coding: string) => quality.get(coding) ?? wildcard;
  const br = q('br');
  const gzip = q('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

// Brotli's default quality (11) takes seconds on a 600 KB pull page; 5 is as fast as gzip's
// default and still smaller.
const BROTLI_OPTIONS = {
  params: {
    [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
    [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
  },
};

/** The body in `coding`, or as it is when small or when compressing would not make it smaller. */
function encode(text: string, coding: ContentCoding): { coding: ContentCoding; bytes: Buffer } {
  const raw = Buffer.from(text, 'utf8');
  if (coding === 'identity' || raw.length < COMPRESS_MIN_BYTES)
    return { coding: 'identity', bytes: raw };
  const compressed = coding === 'br' ? brotliCompressSync(raw, BROTLI_OPTIONS) : gzipSync(raw);
  return compressed.length < raw.length
    ? { coding, bytes: compressed }
    : { coding: 'identity', bytes: raw };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** sendJson of a body already written as JSON text (a pull page joined from stored cards). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  const { coding, bytes } = encode(json, chooseContentCoding(res.req?.headers['accept-encoding']));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': bytes.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // The same URL answers in different codings: a cache in between must key on the header.
    Vary: 'Accept-Encoding',
    ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }),
    ...headers,
  });
  res.end(bytes);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body, error.headers);
}

function tooLarge(maxBytes: number): HttpError {
  // The rest of the body is never read: the connection closes after the answer.
  return new HttpError(413, 'batch_too_large', `request body is larger than ${maxBytes} bytes`, {
    Connection: 'close',
  });
}

/** The whole body, at most `maxBytes`; a larger one is refused as soon as that is known. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // The client went away or was cut off (a request timeout): nothing to answer, nothing broken.
    req.on('error', () => reject(malformed('the request body was cut off')));
  });
}

/**
 * The body as JSON within `maxBytes`, no array or object holding more than `maxEntries`
 * entries (413: more than the route takes) and no deeper nesting than any document (400);
 * `optional` lets an empty body stand for `{}`.
 */
export async function readJson(
  req: IncomingMessage,
  maxBytes: number,
  { optional = false, maxEntries }: { optional?: boolean; maxEntries?: number } = {},
): Promise<unknown> {
  const body = await readBody(req, maxBytes);
  if (body.length === 0) {
    if (optional) return {};
    throw malformed('request body is empty');
  }
  const parsed = parseJsonBody(body, maxEntries === undefined ? {} : { maxEntries });
  if (parsed.ok) return parsed.value;
  if (parsed.problem === 'too-wide')
    throw new HttpError(
      413,
      'batch_too_large',
      `request body has a list or object of more than ${maxEntries ?? DEFAULT_MAX_JSON_ENTRIES} entries`,
    );
  throw malformed(
    parsed.problem === 'too-deep'
      ? 'request body is nested deeper than any registry document'
      : 'request body is not valid JSON',
  );
}

/** The Content-Type without its parameters, lower case ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Compares digests, so neither the secret's content nor its length shows in the time taken. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Throws 401 unless the request carries `Authorization: Bearer <administrator token>`: the
 * only credential of the registry's staff tools (/__mock/ and the administrator endpoints).
 */
export function requireAdminToken(req: IncomingMessage, adminToken: string, what: string): void {
  const token = bearerToken(req);
  if (token === undefined || !sameSecret(token, adminToken))
    throw new HttpError(
      401,
      'unauthorized',
      `${what} need Authorization: Bearer <administrator token>`,
    );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
