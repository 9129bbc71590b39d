// Barcodes as pixels, for tests that read them back: the camera scanner's unit tests decode them
// with ZXing, and the camera e2e feeds one to Chromium's fake camera. Encoded by bwip-js (a
// devDependency), drawn here with a quiet zone, black on white.
import bwipjs from 'bwip-js/generic';

export type TestSymbology = 'code128' | 'pdf417' | 'qrcode' | 'datamatrix';

/** A symbol's modules: `dark(x, y)` for x < width, y < height (a 1-D code is one row high). */
export interface BarcodeModules {
  width: number;
  height: number;
  dark: (x: number, y: number) => boolean;
}

export function barcodeModules(symbology: TestSymbology, text: string): BarcodeModules {
  const [symbol] = bwipjs.raw(symbology, text, {});
  if (!symbol) throw new Error(`bwip-js encoded nothing for ${symbology}`);
  if ('sbs' in symbol) {
    // Bar, space, bar, … widths in modules, starting with a bar.
    const row: boolean[] = [];
    symbol.sbs.forEach((width, i) => row.push(...Array<boolean>(width).fill(i % 2 === 0)));
    return { width: row.length, height: 1, dark: (x) => row[x] ?? false };
  }
  const { pixs, pixx, pixy } = symbol;
  return { width: pixx, height: pixy, dark: (x, y) => pixs[y * pixx + x] === 1 };
}

export interface GrayImage {
  width: number;
  height: number;
  /** One byte a pixel, 0 black … 255 white, row by row. */
  pixels: Uint8Array;
}

/**
 * Draws a symbol `moduleSize` pixels a module, centred in a white image of the given size (or
 * just big enough, with a quiet zone of 10 modules); a 1-D code's bars are `barHeight` high.
 */
export function drawBarcode(
  modules: BarcodeModules,
  {
    moduleSize = 4,
    barHeight = 200,
    width,
    height,
  }: Partial<GrayImage> & {
    moduleSize?: number;
    barHeight?: number;
  } = {},
): GrayImage {
  const QUIET = 10;
  const symbolWidth = modules.width * moduleSize;
  const symbolHeight = modules.height === 1 ? barHeight : modules.height * moduleSize;
  const imageWidth = width ?? symbolWidth + 2 * QUIET * moduleSize;
  const imageHeight = height ?? symbolHeight + 2 * QUIET * moduleSize;
  if (symbolWidth + 2 * QUIET * moduleSize > imageWidth || symbolHeight > imageHeight)
    throw new Error('the barcode and its quiet zone do not fit the image');
  const left = Math.floor((imageWidth - symbolWidth) / 2);
  const top = Math.floor((imageHeight - symbolHeight) / 2);
  const pixels = new Uint8Array(imageWidth * imageHeight).fill(255);
  for (let y = 0; y < symbolHeight; y++) {
    const row = modules.height === 1 ? 0 : Math.floor(y / moduleSize);
    for (let x = 0; x < symbolWidth; x++)
      if (modules.dark(Math.floor(x / moduleSize), row))
        pixels[(top + y) * imageWidth + left + x] = 0;
  }
  return { width: imageWidth, height: imageHeight, pixels };
}
