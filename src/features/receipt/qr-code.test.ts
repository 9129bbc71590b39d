import { describe, expect, it } from 'vitest';
import { QR_QUIET_ZONE_MODULES, qrPicture } from './qr-code.ts';

describe('qrPicture', () => {
  it('draws a version-3 code (29 modules) with its quiet zone for a UUID event id', () => {
    const picture = qrPicture('0193f000-0000-7000-8000-000000000001');
    expect(picture.size).toBe(29 + 2 * QR_QUIET_ZONE_MODULES);
    // The top-left finder pattern starts where the quiet zone ends.
    expect(
      picture.path.startsWith(`M${QR_QUIET_ZONE_MODULES} ${QR_QUIET_ZONE_MODULES}h1v1h-1z`),
    ).toBe(true);
  });

  it('draws different codes for different ids', () => {
    expect(qrPicture('a').path).not.toBe(qrPicture('b').path);
  });
});
