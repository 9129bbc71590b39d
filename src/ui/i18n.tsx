import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, fa, type MessageKey } from './messages.ts';
import { toPersianDigits } from '../domain/digits.ts';
import type { UiLanguage } from '../domain/jalali.ts';

export type { MessageKey };

/** `{name}` in a message: where `t` inserts the parameter of that name. */
const PLACEHOLDER_PATTERN = /\{(\w+)\}/g;

/** The placeholder names a message uses, sorted, each once. */
export function placeholdersOf(message: string): string[] {
  return [
    ...new Set(Array.from(message.matchAll(PLACEHOLDER_PATTERN), (match) => match[1]!)),
  ].sort();
}

export interface I18n {
  language: UiLanguage;
  dir: 'rtl' | 'ltr';
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** Codes in the interface's digits (Persian digits in the Persian interface), never grouped. */
  digits: (text: string | number) => string;
  /** A count for people: Persian digits and separator (۸۷٬۹۶۳) or 87,963. */
  count: (value: number) => string;
}

const catalogs: Record<UiLanguage, Record<MessageKey, string>> = { fa, en };

const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
const LATIN_LETTER = /[A-Za-z]/;

/**
 * A Persian name inside an English sentence (or Latin text inside a Persian one) is wrapped in
 * Unicode isolates (FSI…PDI), so the bidi algorithm cannot pull the sentence's punctuation
 * into the name's direction: "On duty: مریم" keeps its colon where English readers expect it.
 */
function isolateIfForeign(value: string, language: UiLanguage): string {
  const foreign = language === 'en' ? RTL_LETTER.test(value) : LATIN_LETTER.test(value);
  return foreign ? `\u2068${value}\u2069` : value;
}

export function createI18n(language: UiLanguage): I18n {
  const digits = (text: string | number) =>
    language === 'fa' ? toPersianDigits(String(text)) : String(text);
  const countFormat = new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US');
  return {
    language,
    dir: language === 'fa' ? 'rtl' : 'ltr',
    digits,
    count: (value) => countFormat.format(value),
    t: (key, params) => {
      const message = catalogs[language][key];
      if (!params) return message;
      // One pass with a function: a value is inserted as it is, so a registry reason holding "$&"
      // or a name holding "{staff}" is never read as a pattern or a placeholder.
      return message.replace(PLACEHOLDER_PATTERN, (placeholder, name: string) => {
        const value = params[name];
        if (value === undefined) return placeholder;
        return typeof value === 'number' ? digits(value) : isolateIfForeign(value, language);
      });
    },
  };
}

const I18nContext = createContext<I18n>(createI18n('fa'));

export function I18nProvider({
  language,
  children,
}: {
  language: UiLanguage;
  children: ReactNode;
}) {
  const i18n = useMemo(() => createI18n(language), [language]);
  return <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
