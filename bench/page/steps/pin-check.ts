// Step 6b: one staff PIN check as sign-in will make it (decision 021): PBKDF2-HMAC-SHA256 at the
// chosen iteration count, through WebCrypto, in the page. Printed, never budgeted: the issue asks
// for the figure, and the tablet it runs on decides it.
import { makePinVerifier, verifyPin } from '../../../src/domain/pin-verifier.ts';

export async function measurePinCheck(samples: number) {
  const verifier = await makePinVerifier('2486');
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const right = await verifyPin(i % 2 === 0 ? '2486' : '2487', verifier);
    times.push(performance.now() - started);
    if (right !== (i % 2 === 0)) throw new Error('the PIN check answered wrongly');
  }
  return { times, iterations: verifier.iterations };
}
