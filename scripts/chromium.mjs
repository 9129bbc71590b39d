// Debian's Chromium, as every browser run of the project launches it: the e2e suite, the bench
// and the icon renderer. Never a downloaded browser. The flags keep a headless Chromium quiet on
// a machine whose only network is the loopback: without the background-networking ones it
// retries connections to Google's hosts all run long.

/** Where Chromium is: CHROME_PATH, else Debian's package. */
export const CHROME_EXECUTABLE_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Flags for every headless launch (as root, in a container, with no GPU). */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
