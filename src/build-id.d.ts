/** The build's version label, set by vite.config.ts (TAHVIL_BUILD_ID or package.json's version). */
declare const __TAHVIL_BUILD_ID__: string;
