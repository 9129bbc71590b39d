import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { pageRule, type ReceiptPaper } from './receipt-paper.ts';

/**
 * Puts the @page rule for `paper` in the document while the receipt is on screen, and measures
 * `receipt` so a roll's page is as long as the receipt. The rule goes in a constructed style
 * sheet, not a `<style>` element: the served policy is `style-src 'self'` (decision 014), which
 * refuses inline style elements but not the CSSOM.
 */
export function usePrintPage(paper: ReceiptPaper, receipt: RefObject<HTMLElement | null>): void {
  const sheet = useRef<CSSStyleSheet | null>(null);
  const [heightPx, setHeightPx] = useState<number | null>(null);

  useEffect(() => {
    // jsdom and old browsers have no constructed sheets; they print with the browser's page.
    if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return;
    let made: CSSStyleSheet;
    try {
      made = new CSSStyleSheet();
    } catch {
      return;
    }
    sheet.current = made;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, made];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((one) => one !== made);
      sheet.current = null;
    };
  }, []);

  useLayoutEffect(() => {
    const element = receipt.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    // Measured on screen only, where the sheet is the paper's printed width: laid out for print
    // (an emulated print medium, a browser that re-runs script for it) the width may differ.
    const printing = window.matchMedia?.('print');
    const measure = () => {
      if (!printing?.matches) setHeightPx(element.getBoundingClientRect().height);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [receipt]);

  useEffect(() => {
    sheet.current?.replaceSync(pageRule(paper, heightPx));
  }, [paper, heightPx]);
}
