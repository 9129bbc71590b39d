// @vitest-environment node
// The worked example of docs/protocol.md ("Signed events") is real: its canonical text is the
// event's, by the shared code, and its signature verifies with its public key; the enrolment
// request on that page carries the same key. A change to the canonical form or to the example
// then fails here, not at a registry team reading the page.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalEventText,
  importDevicePublicKey,
  isDevicePublicKey,
  verifyEventSignature,
} from '../src/domain/event-signature.ts';
import { parseEnrolmentCode } from '../src/domain/enrolment-code.ts';
import { parseEvent } from './event-validation.ts';

const PAGE = readFileSync(resolve(import.meta.dirname, '../docs/protocol.md'), 'utf8');

/** The code block right after `<!-- example:name -->`. */
function example(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    PAGE,
  );
  if (!match) throw new Error(`docs/protocol.md has no example ${name}`);
  return match[1] as string;
}

describe('the worked example of docs/protocol.md', () => {
  const event = JSON.parse(example('signed-event')) as Record<string, unknown>;
  const publicKey: unknown = JSON.parse(example('public-key'));

  it('is an event the registry takes as it is', () => {
    expect(parseEvent(event)).toEqual({ ok: true, event });
  });

  it('has the canonical text the page shows, of the byte length it says', () => {
    const text = example('canonical-text');
    expect(canonicalEventText(event)).toBe(text);
    expect(PAGE).toContain(`${new TextEncoder().encode(text).length} bytes of UTF-8`);
  });

  it('has a signature that verifies with its public key, and only over that event', async () => {
    expect(isDevicePublicKey(publicKey)).toBe(true);
    const key = await importDevicePublicKey(publicKey as never);
    expect(await verifyEventSignature(event, key)).toBe(true);
    expect(await verifyEventSignature({ ...event, staffId: 'S-08' }, key)).toBe(false);
    expect(PAGE).toContain(`\n${event.signature as string}\n`);
  });

  it('enrols with the same key and a code with a good check digit', () => {
    const request = JSON.parse(example('enrolment-request')) as {
      code: string;
      deviceId: string;
      publicKey: unknown;
    };
    expect(request.publicKey).toEqual(publicKey);
    expect(request.deviceId).toBe(event.deviceId);
    expect(parseEnrolmentCode(request.code).ok).toBe(true);
  });
});
