import {
  useEffect,
  useEffectEvent,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { useI18n, type MessageKey } from '../../ui/i18n.tsx';
import {
  cameraProblemOf,
  loadDetector,
  openCamera,
  startScanLoop,
  stopStream,
  type CameraProblem,
  type DetectorKind,
  type LoadedDetector,
} from './camera-scan.ts';

export const CAMERA_PROBLEM_MESSAGE: Record<CameraProblem, MessageKey> = {
  insecure: 'cameraInsecure',
  denied: 'cameraDenied',
  'no-camera': 'cameraNone',
  busy: 'cameraBusy',
  detector: 'cameraDetectorFailed',
  failed: 'cameraFailed',
};

export interface CameraScannerProps {
  /** A barcode held this code; the camera is already off. */
  onCode: (code: string) => void;
  /** The panel closed without a code; `problem` says why, if it was not the clerk's choice. */
  onClose: (problem?: MessageKey) => void;
  /** Injected by tests; the app's defaults open the real camera and detector. */
  open?: () => Promise<MediaStream>;
  detector?: () => Promise<LoadedDetector>;
}

/**
 * The camera panel: the video, a frame to aim the barcode into, and a close button. Loaded only
 * when the clerk taps "scan" (the search screen imports it lazily). The camera is off again
 * whenever the panel goes: a code, the close button, Escape, the tab hidden, or the panel
 * unmounted (the lock screen replaces every route).
 */
export default function CameraScanner({
  onCode,
  onClose,
  open = openCamera,
  detector = loadDetector,
}: CameraScannerProps): ReactNode {
  const { t } = useI18n();
  const titleId = useId();
  const video = useRef<HTMLVideoElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [kind, setKind] = useState<DetectorKind>();
  const [scanning, setScanning] = useState(false);
  const [noCode, setNoCode] = useState(false);
  // The latest callbacks, for the effect that runs once for the panel's life.
  const codeRead = useEffectEvent((code: string) => onCode(code));
  const closed = useEffectEvent((problem?: MessageKey) => onClose(problem));
  const close = useRef<(problem?: CameraProblem) => void>(() => {});

  useEffect(() => {
    let ended = false;
    let stream: MediaStream | null = null;
    let stopLoop = () => {};
    const shutDown = () => {
      ended = true;
      stopLoop();
      stopStream(stream);
      stream = null;
      if (video.current) video.current.srcObject = null;
    };
    const finish = (problem?: CameraProblem) => {
      if (ended) return;
      shutDown();
      closed(problem && CAMERA_PROBLEM_MESSAGE[problem]);
    };
    close.current = finish;

    // Both at once: the wasm compiles while the camera asks for permission.
    const detectorReady = detector();
    detectorReady.catch(() => {});
    void (async () => {
      try {
        const opened = await open();
        if (ended) return stopStream(opened);
        stream = opened;
      } catch (error) {
        return finish(cameraProblemOf(error));
      }
      let loaded: LoadedDetector;
      try {
        loaded = await detectorReady;
      } catch (error) {
        return finish(cameraProblemOf(error));
      }
      const element = video.current;
      if (ended) return;
      if (!element) return finish('failed');
      setKind(loaded.kind);
      element.srcObject = stream;
      // A muted, inline video may play without a gesture; autoPlay covers a rejected play().
      element.play().catch(() => {});
      setScanning(true);
      stopLoop = startScanLoop({
        source: element,
        reader: loaded.reader,
        onCode: (code) => {
          shutDown();
          codeRead(code);
        },
        onNoCode: () => setNoCode(true),
        onFailure: () => finish('detector'),
      });
    })();

    const hidden = () => {
      if (document.visibilityState === 'hidden') finish();
    };
    document.addEventListener('visibilitychange', hidden);
    return () => {
      document.removeEventListener('visibilitychange', hidden);
      shutDown();
    };
  }, [open, detector]);

  // Focus moves into the panel, and back to what had it (the scan button) when it goes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close.current();
    } else if (event.key === 'Tab') {
      // The close button is the panel's only control.
      event.preventDefault();
      closeButton.current?.focus();
    }
  };

  return createPortal(
    <div className="dialog-backdrop camera-backdrop">
      <div
        className="dialog panel camera-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-detector={kind ?? ''}
        data-state={scanning ? 'scanning' : 'starting'}
        onKeyDown={onKeyDown}
      >
        <div className="camera-head">
          <h2 id={titleId}>{t('cameraTitle')}</h2>
          <button
            ref={closeButton}
            type="button"
            className="button camera-close"
            onClick={() => close.current()}
          >
            {t('cameraClose')}
          </button>
        </div>
        <div className="camera-view">
          <video ref={video} className="camera-video" muted playsInline autoPlay aria-hidden />
          <div className="camera-frame" aria-hidden />
        </div>
        <p className="camera-status" role="status">
          {scanning ? t('cameraAim') : t('cameraStarting')}
        </p>
        {noCode ? (
          <p className="notice notice-warning camera-note" role="alert">
            {t('cameraNoCode')}
          </p>
        ) : null}
      </div>
    </div>,
    document.body,
  );
}
