// The paper a receipt is printed on, chosen on the receipt screen and remembered per tablet in
// localStorage (a counter's printer does not change with the clerk, and it is no setting a
// supervisor must guard), and the CSS @page rule for it.
export const RECEIPT_PAPERS = ['a5', 'roll'] as const;
export type ReceiptPaper = (typeof RECEIPT_PAPERS)[number];

export const RECEIPT_PAPER_STORAGE_KEY = 'tahvil.receiptPaper';

/** Page margins, and the width of a thermal roll. */
export const A5_MARGIN_MM = 10;
export const ROLL_WIDTH_MM = 80;
export const ROLL_MARGIN_MM = 4;
/** Added to a roll's measured height: the printer's rounding and the last line's descenders. */
export const ROLL_SLACK_MM = 6;
/** A roll page before the receipt was measured (or when it cannot be): an A4's height. */
export const ROLL_FALLBACK_HEIGHT_MM = 297;

export function readReceiptPaper(): ReceiptPaper {
  try {
    const stored = window.localStorage.getItem(RECEIPT_PAPER_STORAGE_KEY);
    return stored === 'roll' ? 'roll' : 'a5';
  } catch {
    // Storage refused (a private window's quota, a policy): A5 each time.
    return 'a5';
  }
}

export function storeReceiptPaper(paper: ReceiptPaper): void {
  try {
    window.localStorage.setItem(RECEIPT_PAPER_STORAGE_KEY, paper);
  } catch {
    // Not remembered; the choice still holds for this receipt.
  }
}

const PX_PER_MM = 96 / 25.4;

/**
 * The @page rule for `paper`. A roll's page is as long as the receipt (`contentHeightPx`, its
 * height at the roll's printed width), so it prints as one page and the roll is cut under it.
 */
export function pageRule(paper: ReceiptPaper, contentHeightPx: number | null): string {
  if (paper === 'a5') return `@page { size: A5 portrait; margin: ${A5_MARGIN_MM}mm; }`;
  const heightMm =
    contentHeightPx && contentHeightPx > 0
      ? Math.ceil(contentHeightPx / PX_PER_MM) + 2 * ROLL_MARGIN_MM + ROLL_SLACK_MM
      : ROLL_FALLBACK_HEIGHT_MM;
  return `@page { size: ${ROLL_WIDTH_MM}mm ${heightMm}mm; margin: ${ROLL_MARGIN_MM}mm; }`;
}
