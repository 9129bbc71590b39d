import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import CameraScanner from './CameraScanner.tsx';
import { CameraError, type LoadedDetector } from './camera-scan.ts';
import { renderApp } from '../../../tests/integration/render-app.tsx';
import { createCard } from '../../../tests/factories/cards.ts';
import { fa } from '../../ui/messages.ts';

const zahra = () =>
  createCard({
    cardId: 'C-0000101',
    nationalCode: '0012345679',
    trackingCode: '140309221234567',
    firstName: 'زهرا',
    lastName: 'محمدی',
  });

/** A camera stream whose tracks record being stopped. */
function fakeStream() {
  const tracks = [{ stop: vi.fn(), kind: 'video' }];
  const stream = { getTracks: () => tracks } as unknown as MediaStream;
  return { stream, stopped: () => tracks.every((track) => track.stop.mock.calls.length === 1) };
}

function stubGetUserMedia(getUserMedia: (() => Promise<MediaStream>) | undefined) {
  vi.stubGlobal('navigator', {
    ...navigator,
    mediaDevices: getUserMedia ? { getUserMedia: vi.fn(getUserMedia) } : undefined,
  });
}

/** The browser's own detector, reading every format, answering each read with `read()`. */
function stubNativeDetector(read: () => string[]) {
  vi.stubGlobal(
    'BarcodeDetector',
    class {
      static getSupportedFormats() {
        return Promise.resolve(['code_128', 'pdf417', 'qr_code', 'data_matrix']);
      }
      detect() {
        return Promise.resolve(read().map((rawValue) => ({ rawValue })));
      }
    },
  );
}

const searchBox = () => screen.getByRole('searchbox', { name: fa.searchLabel });
const scanButton = () => screen.getByRole('button', { name: fa.cameraScan });

beforeEach(() => {
  // jsdom plays no video: this one has a frame at once.
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  vi.spyOn(HTMLMediaElement.prototype, 'readyState', 'get').mockReturnValue(4);
  vi.spyOn(HTMLVideoElement.prototype, 'videoWidth', 'get').mockReturnValue(640);
  // Chromium's own detector unless a test says otherwise: jsdom cannot compile the wasm.
  stubNativeDetector(() => []);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the camera on the search screen', () => {
  it('refused: says so, closes the panel, and a typed code still opens the card', async () => {
    stubGetUserMedia(() =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
    );
    await renderApp({ cards: [zahra()] });
    const user = userEvent.setup();
    await user.click(scanButton());

    expect(await screen.findByRole('alert')).toHaveTextContent(fa.cameraDenied);
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.type(searchBox(), '۰۰۱۲۳۴۵۶۷۹{Enter}');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'کارت زهرا محمدی' }),
    ).toBeInTheDocument();
  });

  it.each([
    ['no navigator.mediaDevices (not a secure context)', undefined, fa.cameraInsecure],
    [
      'no camera',
      () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError')),
      fa.cameraNone,
    ],
    [
      'a camera another app holds',
      () => Promise.reject(new DOMException('Could not start video source', 'NotReadableError')),
      fa.cameraBusy,
    ],
  ])('%s: says so in the UI’s language, and typing still works', async (_, open, message) => {
    stubGetUserMedia(open);
    await renderApp({ cards: [zahra()] });
    const user = userEvent.setup();
    await user.click(scanButton());
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.type(searchBox(), 'C-0000101{Enter}');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'کارت زهرا محمدی' }),
    ).toBeInTheDocument();
  });

  it('speaks English when the interface is English', async () => {
    stubGetUserMedia(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    await renderApp({ cards: [zahra()], settings: { language: 'en' } });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Scan with camera' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Camera access was refused. Type the code or use the scanner',
    );
  });

  it('a read with a code turns the camera off and opens that card', async () => {
    const { stream, stopped } = fakeStream();
    stubGetUserMedia(() => Promise.resolve(stream));
    stubNativeDetector(() => ['https://registry.example/verify?nc=۰۰۱۲۳۴۵۶۷۹']);
    await renderApp({ cards: [zahra(), createCard()] });
    await userEvent.setup().click(scanButton());

    expect(
      await screen.findByRole('heading', { level: 1, name: 'کارت زهرا محمدی' }),
    ).toBeInTheDocument();
    expect(stopped()).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(navigator.mediaDevices.getUserMedia).toHaveBeenCalledWith(
      expect.objectContaining({
        video: expect.objectContaining({ facingMode: { ideal: 'environment' } }),
      }),
    );
  });

  it('a code no card has stays in the search box with its (empty) results', async () => {
    const { stream, stopped } = fakeStream();
    stubGetUserMedia(() => Promise.resolve(stream));
    stubNativeDetector(() => ['1234567891']);
    await renderApp({ cards: [zahra()] });
    await userEvent.setup().click(scanButton());

    expect(await screen.findByText(fa.searchNoResults)).toBeInTheDocument();
    expect(searchBox()).toHaveValue('1234567891');
    expect(stopped()).toBe(true);
  });

  it('a barcode without a code: a note, and the camera keeps reading', async () => {
    const { stream, stopped } = fakeStream();
    stubGetUserMedia(() => Promise.resolve(stream));
    let reads = 0;
    stubNativeDetector(() => (++reads, ['menu of the day']));
    await renderApp({ cards: [zahra()] });
    await userEvent.setup().click(scanButton());

    const dialog = await screen.findByRole('dialog', { name: fa.cameraTitle });
    expect(await screen.findByText(fa.cameraNoCode)).toBeInTheDocument();
    expect(dialog).toHaveAttribute('data-detector', 'native');
    expect(dialog).toHaveAttribute('data-state', 'scanning');
    const before = reads;
    await waitFor(() => expect(reads).toBeGreaterThan(before));
    expect(stopped()).toBe(false);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});

describe('CameraScanner turns the camera off', () => {
  const scanning: () => Promise<LoadedDetector> = () =>
    Promise.resolve({ kind: 'wasm', reader: { detect: () => Promise.resolve([]) } });

  function renderScanner(open: () => Promise<MediaStream>, detector = scanning) {
    const onCode = vi.fn();
    const onClose = vi.fn();
    const view = render(
      <CameraScanner onCode={onCode} onClose={onClose} open={open} detector={detector} />,
    );
    return { ...view, onCode, onClose };
  }

  it('on the close button, with no problem to report', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { onClose } = renderScanner(open);
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog).toHaveAttribute('data-state', 'scanning'));
    expect(dialog).toHaveAttribute('data-detector', 'wasm');
    const close = screen.getByRole('button', { name: fa.cameraClose });
    expect(close).toHaveFocus();
    await userEvent.setup().click(close);
    expect(stopped()).toBe(true);
    expect(onClose).toHaveBeenCalledExactlyOnceWith(undefined);
  });

  it('on Escape', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { onClose } = renderScanner(open);
    await waitFor(() =>
      expect(screen.getByRole('dialog')).toHaveAttribute('data-state', 'scanning'),
    );
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(stopped()).toBe(true);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('when the tab is hidden', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { onClose } = renderScanner(open);
    await waitFor(() =>
      expect(screen.getByRole('dialog')).toHaveAttribute('data-state', 'scanning'),
    );
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    expect(stopped()).toBe(true);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('when unmounted (the lock screen replaces every route)', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { unmount, onClose } = renderScanner(open);
    await waitFor(() =>
      expect(screen.getByRole('dialog')).toHaveAttribute('data-state', 'scanning'),
    );
    unmount();
    expect(stopped()).toBe(true);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('when unmounted before the camera answered: the late stream is stopped at once', async () => {
    const { stream, stopped } = fakeStream();
    let answer: (stream: MediaStream) => void = () => {};
    const { unmount } = renderScanner(() => new Promise((resolve) => (answer = resolve)));
    unmount();
    answer(stream);
    await waitFor(() => expect(stopped()).toBe(true));
  });

  it('when the detector cannot load: a message, and the camera off', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { onClose } = renderScanner(open, () =>
      Promise.reject(new CameraError('detector', { cause: new Error('404') })),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalledExactlyOnceWith('cameraDetectorFailed'));
    expect(stopped()).toBe(true);
  });

  it('when reads keep failing', async () => {
    const { stream, stopped } = fakeStream();
    const open = () => Promise.resolve(stream);
    const { onClose } = renderScanner(open, () =>
      Promise.resolve({
        kind: 'wasm',
        reader: { detect: () => Promise.reject(new Error('memory access out of bounds')) },
      }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalledExactlyOnceWith('cameraDetectorFailed'), {
      timeout: 3000,
    });
    expect(stopped()).toBe(true);
  });
});
