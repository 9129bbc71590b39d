import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { DatabaseOpening, SLOW_OPEN_NOTICE_MS } from './DatabaseOpening.tsx';

describe('DatabaseOpening', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says nothing while opening is quick, so no notice flashes up', () => {
    const view = render(<DatabaseOpening />);
    act(() => {
      vi.advanceTimersByTime(SLOW_OPEN_NOTICE_MS - 1);
    });
    expect(view.container).toBeEmptyDOMElement();
  });

  it('then says, in Persian and in English, that the cards are opening and nothing is lost', () => {
    render(<DatabaseOpening />);
    act(() => {
      vi.advanceTimersByTime(SLOW_OPEN_NOTICE_MS);
    });
    const notice = screen.getByRole('status');
    expect(notice).toHaveTextContent('کارت‌های این تبلت باز می‌شوند…');
    expect(notice).toHaveTextContent('هیچ داده‌ای از دست نمی‌رود');
    expect(notice).toHaveTextContent('Opening this tablet’s cards…');
    expect(notice).toHaveTextContent('If Tahvil is open in another tab, close it.');
  });
});
