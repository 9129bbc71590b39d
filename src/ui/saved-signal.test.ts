import { afterEach, describe, expect, it, vi } from 'vitest';

// The module keeps its one AudioContext: each test loads it afresh, with the audio it stubbed.
async function loadSignalSaved() {
  vi.resetModules();
  return (await import('./saved-signal.ts')).signalSaved;
}

function fakeAudio() {
  const started: number[] = [];
  class FakeAudioContext {
    currentTime = 0;
    destination = {};
    resume = vi.fn(() => Promise.resolve());
    createOscillator() {
      return {
        frequency: { value: 0 },
        connect: (node: unknown) => node,
        start: (at: number) => started.push(at),
        stop: vi.fn(),
      };
    }
    createGain() {
      const gain = {
        gain: { setValueAtTime: vi.fn(), linearRampToValueAtTime: vi.fn() },
        connect: (node: unknown) => node,
      };
      return gain;
    }
  }
  return { FakeAudioContext, started };
}

afterEach(() => vi.unstubAllGlobals());

describe('signalSaved', () => {
  it('buzzes and plays a tone when the sound is on', async () => {
    const vibrate = vi.fn(() => true);
    vi.stubGlobal('navigator', { ...navigator, vibrate });
    const audio = fakeAudio();
    vi.stubGlobal('AudioContext', audio.FakeAudioContext);
    (await loadSignalSaved())({ sound: true });
    expect(vibrate).toHaveBeenCalledOnce();
    expect(audio.started).toHaveLength(1);
  });

  it('only buzzes when the sound is off', async () => {
    const vibrate = vi.fn(() => true);
    vi.stubGlobal('navigator', { ...navigator, vibrate });
    const audio = fakeAudio();
    vi.stubGlobal('AudioContext', audio.FakeAudioContext);
    (await loadSignalSaved())({ sound: false });
    expect(vibrate).toHaveBeenCalledOnce();
    expect(audio.started).toHaveLength(0);
  });

  it('stays quiet, without throwing, on a device with neither', async () => {
    vi.stubGlobal('navigator', { ...navigator, vibrate: undefined });
    vi.stubGlobal('AudioContext', undefined);
    const signalSaved = await loadSignalSaved();
    expect(() => signalSaved({ sound: true })).not.toThrow();
  });

  it('never lets a failing speaker or motor reach the handover', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      vibrate: () => {
        throw new Error('no motor');
      },
    });
    vi.stubGlobal(
      'AudioContext',
      class {
        constructor() {
          throw new Error('no audio device');
        }
      },
    );
    const signalSaved = await loadSignalSaved();
    expect(() => signalSaved({ sound: true })).not.toThrow();
  });
});
