// The search box forgives a keyboard left in English and a ZWNJ typed or dropped (issue 13,
// decision 025): the clerk sees the card, and is told when the Persian reading found it.
import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { createCard } from '../factories/cards.ts';

const salam = () =>
  createCard({
    cardId: 'C-0000201',
    nationalCode: '0012345679',
    firstName: 'سلام',
    lastName: 'رحیمی',
  });
const maryam = () =>
  createCard({ cardId: 'C-0000202', firstName: 'مریم', lastName: 'پاک\u200cنژاد' });

async function search(label: string, text: string) {
  const user = userEvent.setup();
  const box = await screen.findByRole('searchbox', { name: label });
  await user.clear(box);
  await user.type(box, text);
}

async function resultNames(): Promise<string[]> {
  const list = await screen.findByRole('list');
  return within(list)
    .getAllByRole('link')
    .map((link) => link.querySelector('.result-name')?.textContent ?? '');
}

describe('search that forgives', () => {
  it('finds a name typed with the keyboard in English and says what it searched', async () => {
    await renderApp({ cards: [salam(), maryam()] });
    await search('کد ملی، کد رهگیری یا نام', 'sghl');
    expect(await resultNames()).toEqual(['سلام رحیمی']);
    expect(screen.getByTestId('searched-as')).toHaveTextContent(
      'جستجو شد به شکل «سلام»؛ صفحه‌کلید روی انگلیسی بود.',
    );
  });

  it('says the keyboard may be in English when neither reading finds a card', async () => {
    await renderApp({ cards: [salam()] });
    await search('کد ملی، کد رهگیری یا نام', 'zahra');
    expect(
      await screen.findByText(
        /کارتی پیدا نشد، حتی به شکل «ظشاقش»\. شاید صفحه‌کلید روی انگلیسی است/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('searched-as')).not.toBeInTheDocument();
  });

  it('shows no layout note for a Persian query, found or not', async () => {
    await renderApp({ cards: [salam()] });
    await search('کد ملی، کد رهگیری یا نام', 'سلام');
    expect(await resultNames()).toEqual(['سلام رحیمی']);
    expect(screen.queryByTestId('searched-as')).not.toBeInTheDocument();
    await search('کد ملی، کد رهگیری یا نام', 'ناشناس');
    expect(
      await screen.findByText('کارتی با این مشخصات در موجودی این مرکز نیست.'),
    ).toBeInTheDocument();
  });

  it('finds a name written with ZWNJ when the clerk drops it', async () => {
    await renderApp({ cards: [salam(), maryam()] });
    await search('کد ملی، کد رهگیری یا نام', 'پاکنژاد');
    expect(await resultNames()).toEqual(['مریم پاک\u200cنژاد']);
  });

  it('says the same in English', async () => {
    await renderApp({ cards: [salam()], settings: { language: 'en' } });
    await search('National code, tracking code or name', 'sghl');
    expect(await resultNames()).toEqual(['سلام رحیمی']);
    expect(screen.getByTestId('searched-as')).toHaveTextContent(
      /^Searched as «\u2068سلام\u2069»: the keyboard was in English layout\.$/,
    );
    await search('National code, tracking code or name', 'zahra');
    expect(
      await screen.findByText(
        /No card found, not even as «\u2068ظشاقش\u2069»\. The keyboard may be in English layout/,
      ),
    ).toBeInTheDocument();
  });
});
