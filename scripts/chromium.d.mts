// Types of chromium.mjs (plain JavaScript, so the .mjs scripts load it without a compiler).
export declare const CHROME_EXECUTABLE_PATH: string;
export declare const CHROMIUM_ARGS: readonly string[];
