import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { purgeZXingModule, ZXING_WASM_VERSION } from 'barcode-detector/ponyfill';
import { ZXING_WASM_VERSION as SERVED_WASM_VERSION } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import {
  CAMERA_CONSTRAINTS,
  CameraError,
  loadDetector,
  loadWasmDetector,
  MAX_DETECT_FAILURES,
  openCamera,
  SCAN_FORMATS,
  startScanLoop,
  stopStream,
  type BarcodeReader,
  type ScanSource,
} from './camera-scan.ts';
import {
  barcodeModules,
  drawBarcode,
  type TestSymbology,
} from '../../../tests/factories/barcodes.ts';

const require = createRequire(import.meta.url);

afterEach(() => {
  vi.unstubAllGlobals();
});

function nativeDetector(supported: readonly string[] | Error) {
  const made: unknown[] = [];
  class FakeNative {
    constructor(options: unknown) {
      made.push(options);
    }
    static getSupportedFormats() {
      return supported instanceof Error ? Promise.reject(supported) : Promise.resolve(supported);
    }
    detect() {
      return Promise.resolve([]);
    }
  }
  return { BarcodeDetector: FakeNative, made };
}

const wasmReader: BarcodeReader = { detect: () => Promise.resolve([]) };

describe('loadDetector', () => {
  it("uses the browser's detector when it reads every format, asked for those formats", async () => {
    const scope = nativeDetector(['aztec', ...SCAN_FORMATS, 'ean_13']);
    const loadWasm = vi.fn(() => Promise.resolve(wasmReader));
    const loaded = await loadDetector(scope, loadWasm);
    expect(loaded.kind).toBe('native');
    expect(scope.made).toEqual([{ formats: [...SCAN_FORMATS] }]);
    expect(loadWasm).not.toHaveBeenCalled();
  });

  it.each([
    ['no BarcodeDetector', {}],
    ['one without PDF417', nativeDetector(['code_128', 'qr_code', 'data_matrix'])],
    ['one whose getSupportedFormats throws', nativeDetector(new Error('no barcode service'))],
    ['a BarcodeDetector that is not a class', { BarcodeDetector: 'yes' }],
  ])('loads ZXing with %s', async (_, scope) => {
    const loaded = await loadDetector(scope, () => Promise.resolve(wasmReader));
    expect(loaded).toEqual({ kind: 'wasm', reader: wasmReader });
  });

  it('says `detector` when ZXing cannot load', async () => {
    const failure = loadDetector({}, () => Promise.reject(new Error('404 : zxing_reader.wasm')));
    await expect(failure).rejects.toBeInstanceOf(CameraError);
    await expect(failure).rejects.toMatchObject({ problem: 'detector' });
  });
});

describe('the ZXing ponyfill', () => {
  it("is the version of zxing-wasm whose .wasm the app serves (the package's copy must match)", () => {
    expect(ZXING_WASM_VERSION).toBe(SERVED_WASM_VERSION);
  });

  // A stand-in for the browser's ImageData, which jsdom lacks; the ponyfill reads its fields.
  class TestImageData {
    readonly colorSpace = 'srgb';
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
    get [Symbol.toStringTag]() {
      return 'ImageData';
    }
  }

  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  function serveWasm(fetched: string[] = []) {
    vi.stubGlobal('ImageData', TestImageData);
    vi.stubGlobal('fetch', (url: string | URL) => {
      fetched.push(String(url));
      return Promise.resolve(
        String(url) === wasmUrl
          ? new Response(wasm, { headers: { 'Content-Type': 'application/wasm' } })
          : new Response('not found', { status: 404 }),
      );
    });
    return fetched;
  }

  it("fetches the wasm from the app's own asset URL, never a CDN", async () => {
    purgeZXingModule();
    const fetched = serveWasm();
    await loadWasmDetector();
    expect(wasmUrl).toMatch(/^\/.*zxing_reader\.wasm$/);
    expect(fetched).toEqual([wasmUrl]);
  });

  it('fails, and tries again next time, when the wasm cannot be fetched', async () => {
    purgeZXingModule();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('gone', { status: 404 })));
    await expect(loadWasmDetector()).rejects.toThrow();
    serveWasm();
    await expect(loadWasmDetector()).resolves.toBeDefined();
    vi.mocked(console.error).mockRestore();
  });

  it.each<[TestSymbology, string]>([
    ['code128', '0012345679'],
    ['pdf417', 'IRN;C-0000001;nc=0012345679;t=140309221234567'],
    ['qrcode', 'https://registry.example/cards/C-0000001'],
    ['datamatrix', '140309221234567'],
  ])('reads %s, as the app configures it', async (symbology, text) => {
    serveWasm();
    const reader = (await loadWasmDetector()) as unknown as BarcodeReader<TestImageData>;
    const image = drawBarcode(barcodeModules(symbology, text), { moduleSize: 3, barHeight: 80 });
    const rgba = new Uint8ClampedArray(image.width * image.height * 4);
    image.pixels.forEach((gray, i) => rgba.set([gray, gray, gray, 255], i * 4));
    const found = await reader.detect(new TestImageData(rgba, image.width, image.height));
    expect(found.map((barcode) => barcode.rawValue)).toEqual([text]);
  });
});

describe('openCamera', () => {
  it('asks for the rear camera, without sound', async () => {
    const stream = {} as MediaStream;
    const getUserMedia = vi.fn(() => Promise.resolve(stream));
    expect(await openCamera({ getUserMedia })).toBe(stream);
    expect(getUserMedia).toHaveBeenCalledWith(CAMERA_CONSTRAINTS);
    expect(CAMERA_CONSTRAINTS).toMatchObject({
      audio: false,
      video: { facingMode: { ideal: 'environment' } },
    });
  });

  it('says `insecure` without navigator.mediaDevices (not a secure context)', async () => {
    await expect(openCamera(undefined)).rejects.toMatchObject({ problem: 'insecure' });
    await expect(openCamera({} as Pick<MediaDevices, 'getUserMedia'>)).rejects.toMatchObject({
      problem: 'insecure',
    });
  });

  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['NotReadableError', 'busy'],
    ['AbortError', 'busy'],
    ['SomethingElseError', 'failed'],
  ])('reads a %s as `%s`', async (name, problem) => {
    const getUserMedia = () => Promise.reject(new DOMException('refused', name));
    await expect(openCamera({ getUserMedia })).rejects.toMatchObject({ problem });
  });

  it('reads a refusal that is not an error at all as `failed`', async () => {
    const getUserMedia = () => Promise.reject('no');
    await expect(openCamera({ getUserMedia })).rejects.toMatchObject({ problem: 'failed' });
  });
});

describe('stopStream', () => {
  it('stops every track, and takes no stream at all', () => {
    const tracks = [{ stop: vi.fn() }, { stop: vi.fn() }];
    stopStream({ getTracks: () => tracks as unknown as MediaStreamTrack[] });
    for (const track of tracks) expect(track.stop).toHaveBeenCalledOnce();
    expect(() => stopStream(null)).not.toThrow();
  });
});

describe('startScanLoop', () => {
  const ready: ScanSource = { readyState: 4, videoWidth: 640 };

  /** A reader that answers each read with the next of `answers` (then nothing). */
  function scriptedReader(answers: Array<string[] | Error>): BarcodeReader<ScanSource> & {
    reads: number;
  } {
    const reader = {
      reads: 0,
      detect: () => {
        const answer = answers[reader.reads++] ?? [];
        return answer instanceof Error
          ? Promise.reject(answer)
          : Promise.resolve(answer.map((rawValue) => ({ rawValue })));
      },
    };
    return reader;
  }

  function run(source: ScanSource, reader: BarcodeReader<ScanSource>, maxWaits = 20) {
    const events: string[] = [];
    let waits = 0;
    let stop = () => {};
    const settled = new Promise<void>((resolve) => {
      stop = startScanLoop({
        source,
        reader,
        onCode: (code, raw) => {
          events.push(`code ${code} from ${raw}`);
          resolve();
        },
        onNoCode: (raw) => events.push(`no code in ${raw}`),
        onFailure: (error) => {
          events.push(`failed: ${(error as Error).message}`);
          resolve();
        },
        wait: () => {
          if (++waits >= maxWaits) resolve();
          return Promise.resolve();
        },
      });
    });
    return { events, settled, stop: () => stop() };
  }

  it('reports the code of the first barcode that holds one, and stops', async () => {
    const reader = scriptedReader([[], ['hello', 'nc=۰۰۱۲۳۴۵۶۷۹'], ['C-0000001']]);
    const { events, settled } = run(ready, reader);
    await settled;
    expect(events).toEqual(['code 0012345679 from nc=۰۰۱۲۳۴۵۶۷۹']);
    expect(reader.reads).toBe(2);
  });

  it('notes a barcode without a code, and keeps reading', async () => {
    const reader = scriptedReader([['https://example.com/menu'], [], ['140309221234567']]);
    const { events, settled } = run(ready, reader);
    await settled;
    expect(events).toEqual([
      'no code in https://example.com/menu',
      'code 140309221234567 from 140309221234567',
    ]);
  });

  it('does not read a video that has no frame yet', async () => {
    const reader = scriptedReader([['0012345679']]);
    const { events, settled, stop } = run({ readyState: 1, videoWidth: 0 }, reader, 5);
    await settled;
    stop();
    expect(reader.reads).toBe(0);
    expect(events).toEqual([]);
  });

  it('forgives a failed read, but gives up after MAX_DETECT_FAILURES in a row', async () => {
    const flaky = scriptedReader([new Error('not ready'), ['0012345679']]);
    const first = run(ready, flaky);
    await first.settled;
    expect(first.events).toEqual(['code 0012345679 from 0012345679']);

    const broken = scriptedReader(
      Array.from({ length: MAX_DETECT_FAILURES }, () => new Error('wasm trap')),
    );
    const second = run(ready, broken);
    await second.settled;
    expect(second.events).toEqual(['failed: wasm trap']);
    expect(broken.reads).toBe(MAX_DETECT_FAILURES);
  });

  it('reports nothing once stopped, even for a read already under way', async () => {
    let answer: (value: Array<{ rawValue: string }>) => void = () => {};
    const reader: BarcodeReader<ScanSource> = {
      detect: () => new Promise((resolve) => (answer = resolve)),
    };
    const events: string[] = [];
    const stop = startScanLoop({
      source: ready,
      reader,
      onCode: (code) => events.push(code),
      onNoCode: (raw) => events.push(raw),
      onFailure: () => events.push('failed'),
      wait: () => Promise.resolve(),
    });
    await Promise.resolve();
    stop();
    answer([{ rawValue: '0012345679' }]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual([]);
  });
});
