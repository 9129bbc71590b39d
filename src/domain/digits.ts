// Digit scripts the counter meets: ASCII from scanners, Persian from a Persian keyboard,
// Arabic-Indic from Arabic keyboards and older documents. Everything stored is ASCII.

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

/** Replaces Persian (۰–۹) and Arabic-Indic (٠–٩) digits with ASCII digits. */
export function toAsciiDigits(text: string): string {
  return text.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = code >= PERSIAN_ZERO ? PERSIAN_ZERO : ARABIC_INDIC_ZERO;
    return String.fromCharCode(0x30 + code - zero);
  });
}

/** Replaces ASCII digits with Persian digits, for display in the Persian interface. */
export function toPersianDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) =>
    String.fromCharCode(PERSIAN_ZERO + digit.charCodeAt(0) - 0x30),
  );
}
