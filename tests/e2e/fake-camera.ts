// What Chromium's fake camera shows: a YUV4MPEG2 file (--use-file-for-fake-video-capture) of one
// frame, a barcode drawn big, black on white, with its quiet zone. Chromium plays the file in a
// loop, so the one frame is the whole video.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROME_EXECUTABLE_PATH, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { barcodeModules, drawBarcode, type TestSymbology } from '../factories/barcodes.ts';

export const FAKE_CAMERA_WIDTH = 640;
export const FAKE_CAMERA_HEIGHT = 480;

/** One 4:2:0 frame: the luma plane is the image, both chroma planes neutral grey. */
export function y4mFrame(gray: Uint8Array, width: number, height: number): Buffer {
  if (gray.length !== width * height) throw new Error('the image is not width × height');
  const header = `YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  return Buffer.concat([Buffer.from(header, 'ascii'), Buffer.from('FRAME\n'), gray, chroma]);
}

/** A y4m file for the fake camera, empty until `show` writes a barcode into it. */
export function fakeCameraFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tahvil-camera-')), 'camera.y4m');
  writeFileSync(file, '');
  return file;
}

/**
 * Makes the fake camera show `text` as a `symbology` barcode, from the next time a page opens it
 * (Chromium reads the file when a capture starts).
 */
export function showBarcode(file: string, symbology: TestSymbology, text: string): void {
  const modules = barcodeModules(symbology, text);
  // As big as the frame allows with 10 modules of quiet zone on each side.
  const moduleSize = Math.floor(FAKE_CAMERA_WIDTH / (modules.width + 20));
  const image = drawBarcode(modules, {
    moduleSize,
    barHeight: 280,
    width: FAKE_CAMERA_WIDTH,
    height: FAKE_CAMERA_HEIGHT,
  });
  writeFileSync(file, y4mFrame(image.pixels, image.width, image.height));
}

/** Launch options for a browser whose camera shows `videoFile`, granted without a prompt. */
export function fakeCameraLaunchOptions(videoFile: string) {
  return {
    executablePath: CHROME_EXECUTABLE_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${videoFile}`,
    ],
  };
}
