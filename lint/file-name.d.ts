// Types of file-name.js (plain JavaScript, so eslint.config.js loads it without a compiler).
import type { ESLint, Rule } from 'eslint';

export declare const fileNameRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
