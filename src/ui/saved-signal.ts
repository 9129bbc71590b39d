// "Saved", for the ear and the hand: a short tone and a buzz, so a clerk facing the citizen knows
// the handover is recorded without reading the screen. Both are best effort: a tablet without a
// speaker, vibration motor or audio permission simply stays quiet.

const TONE_HZ = 880;
const TONE_SECONDS = 0.12;
const VIBRATION_MS = 60;

let audio: AudioContext | null = null;

export function signalSaved({ sound }: { sound: boolean }): void {
  try {
    navigator.vibrate?.(VIBRATION_MS);
  } catch {
    // No vibration on this device.
  }
  if (sound) playTone();
}

function playTone(): void {
  try {
    const AudioContextClass = globalThis.AudioContext;
    if (!AudioContextClass) return;
    audio ??= new AudioContextClass();
    const context = audio;
    void context.resume().catch(() => undefined);
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = TONE_HZ;
    const start = context.currentTime;
    // A short fade in and out: a bare square-edged tone clicks.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.25, start + 0.01);
    gain.gain.linearRampToValueAtTime(0, start + TONE_SECONDS);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + TONE_SECONDS);
  } catch {
    // No audio output here; the confirmation on screen says it anyway.
  }
}
