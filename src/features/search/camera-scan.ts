// The camera scanner's engine: which barcode detector reads the frames, the camera stream, and
// the frame loop. The browser's own BarcodeDetector is used where it reads every format a counter
// meets; elsewhere barcode-detector's ponyfill on ZXing-C++ WebAssembly, whose .wasm the app
// serves itself and the service worker precaches (never the package's CDN default), so a scan
// works offline. Must stay true: every track of a stream that was opened is stopped.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { codeFromScan } from '../../domain/scanned-code.ts';

/** Code 128 (card and slip labels), PDF417 (ID documents), QR and Data Matrix (letters, slips). */
export const SCAN_FORMATS = ['code_128', 'pdf417', 'qr_code', 'data_matrix'] as const;

/** Pause between two reads of the video: ZXing takes tens of milliseconds a frame on a tablet. */
export const SCAN_INTERVAL_MS = 120;
/** Reads that throw in a row before the scan gives up (one may fail while the video starts). */
export const MAX_DETECT_FAILURES = 5;

/** What the loop reads from: a video element, or anything with its readiness. */
export interface ScanSource {
  readonly readyState: number;
  readonly videoWidth: number;
}

export interface BarcodeReader<Source = HTMLVideoElement> {
  detect(source: Source): Promise<ReadonlyArray<{ rawValue: string }>>;
}

/** Which detector reads: the browser's (`native`) or ZXing in WebAssembly (`wasm`). */
export type DetectorKind = 'native' | 'wasm';

export interface LoadedDetector {
  kind: DetectorKind;
  reader: BarcodeReader;
}

interface NativeDetectorClass {
  new (options: { formats: string[] }): BarcodeReader;
  getSupportedFormats(): Promise<readonly string[]>;
}

/** Why the camera panel closed without a code. */
export type CameraProblem = 'insecure' | 'denied' | 'no-camera' | 'busy' | 'detector' | 'failed';

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    options?: { cause?: unknown },
  ) {
    super(`camera: ${problem}`, options);
    this.name = 'CameraError';
  }
}

async function nativeDetector(scope: { BarcodeDetector?: unknown }): Promise<BarcodeReader | null> {
  const Native = scope.BarcodeDetector as NativeDetectorClass | undefined;
  if (typeof Native !== 'function' || typeof Native.getSupportedFormats !== 'function') return null;
  try {
    const supported = await Native.getSupportedFormats();
    if (!SCAN_FORMATS.every((format) => supported.includes(format))) return null;
    return new Native({ formats: [...SCAN_FORMATS] });
  } catch {
    // Chromium on a machine without the platform's barcode service throws here: use ZXing.
    return null;
  }
}

/** The ZXing ponyfill, its wasm from the app's own assets, instantiated before the first frame. */
export async function loadWasmDetector(): Promise<BarcodeReader> {
  const { BarcodeDetector, prepareZXingModule, purgeZXingModule } =
    await import('barcode-detector/ponyfill');
  try {
    await prepareZXingModule({
      overrides: {
        // zxing-wasm asks for zxing_reader.wasm; its default answer is a CDN URL.
        locateFile: (path: string, prefix: string) =>
          path.endsWith('.wasm') ? wasmUrl : prefix + path,
      },
      fireImmediately: true,
    });
  } catch (error) {
    // A failed instantiation stays cached: forget it, so the next scan tries again.
    purgeZXingModule();
    throw error;
  }
  return new BarcodeDetector({ formats: [...SCAN_FORMATS] });
}

/** The browser's detector if it reads all of SCAN_FORMATS, else ZXing; throws `detector`. */
export async function loadDetector(
  scope: { BarcodeDetector?: unknown } = globalThis as { BarcodeDetector?: unknown },
  loadWasm: () => Promise<BarcodeReader> = loadWasmDetector,
): Promise<LoadedDetector> {
  const native = await nativeDetector(scope);
  if (native) return { kind: 'native', reader: native };
  try {
    return { kind: 'wasm', reader: await loadWasm() };
  } catch (error) {
    throw new CameraError('detector', { cause: error });
  }
}

/** The rear camera where there is one (a tablet's front camera faces the clerk). */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: {
    facingMode: { ideal: 'environment' },
    width: { ideal: 1280 },
    height: { ideal: 720 },
  },
};

/** What a getUserMedia refusal means for the clerk. */
export function cameraProblemOf(error: unknown): CameraProblem {
  if (error instanceof CameraError) return error.problem;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'no-camera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

/**
 * Opens the camera. `navigator.mediaDevices` is missing outside a secure context (plain http on
 * another host): that is `insecure`, as is a browser without getUserMedia.
 */
export async function openCamera(
  mediaDevices: Pick<MediaDevices, 'getUserMedia'> | undefined = globalThis.navigator?.mediaDevices,
): Promise<MediaStream> {
  if (typeof mediaDevices?.getUserMedia !== 'function') throw new CameraError('insecure');
  try {
    return await mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
  } catch (error) {
    throw new CameraError(cameraProblemOf(error), { cause: error });
  }
}

/** Stops every track, so the camera's light goes off and another app may use it. */
export function stopStream(stream: Pick<MediaStream, 'getTracks'> | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

// HTMLMediaElement.HAVE_CURRENT_DATA: a frame is there to read.
const HAVE_CURRENT_DATA = 2;

export interface ScanLoopOptions<Source extends ScanSource> {
  source: Source;
  reader: BarcodeReader<Source>;
  /** A barcode held a code: the loop has stopped. */
  onCode: (code: string, rawValue: string) => void;
  /** A barcode was read that holds no code; the loop goes on. */
  onNoCode: (rawValue: string) => void;
  /** MAX_DETECT_FAILURES reads in a row threw: the loop has stopped. */
  onFailure: (error: unknown) => void;
  wait?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads the source's frames, one read at a time, until a barcode holds a code (codeFromScan),
 * the reads keep failing, or the returned stop function is called; nothing is reported after it.
 */
export function startScanLoop<Source extends ScanSource>({
  source,
  reader,
  onCode,
  onNoCode,
  onFailure,
  wait = pause,
}: ScanLoopOptions<Source>): () => void {
  let stopped = false;
  let failures = 0;
  const run = async () => {
    while (!stopped) {
      if (source.readyState >= HAVE_CURRENT_DATA && source.videoWidth > 0) {
        let found: ReadonlyArray<{ rawValue: string }> = [];
        try {
          found = await reader.detect(source);
          failures = 0;
        } catch (error) {
          failures += 1;
          if (failures >= MAX_DETECT_FAILURES) {
            if (!stopped) onFailure(error);
            stopped = true;
            return;
          }
        }
        if (stopped) return;
        for (const { rawValue } of found) {
          const code = codeFromScan(rawValue);
          if (code !== null) {
            stopped = true;
            onCode(code, rawValue);
            return;
          }
        }
        if (found[0]) onNoCode(found[0].rawValue);
      }
      await wait(SCAN_INTERVAL_MS);
    }
  };
  void run();
  return () => {
    stopped = true;
  };
}
