// Reads a QR code from a PNG (a screenshot of an element) in Node, with jsQR on pngjs's pixels:
// pure JavaScript, nothing fetched. Returns the decoded text, or null when no code was found.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export function readQrCode(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  return jsQR(pixels, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}
