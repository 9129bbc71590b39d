// Changing the center in settings, as a center manager would: refused in words while this
// center's handovers are unsent, and when allowed, the old center's cards leave the tablet.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { recordHandover } from '../../src/db/handovers.ts';
import { en, fa } from '../../src/ui/messages.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { renderApp } from './render-app.tsx';

async function changeCenter(words: typeof fa, centerId: string) {
  const user = userEvent.setup();
  const field = await screen.findByLabelText(words.settingsCenterId);
  await user.clear(field);
  await user.type(field, centerId);
  await user.click(screen.getByRole('button', { name: words.settingsSave }));
}

describe('changing the center in settings', () => {
  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'is refused in %s while a handover waits to be sent, and nothing leaves the tablet',
    async (language, words) => {
      const card = createCard();
      const { db } = await renderApp({ cards: [card], route: '/settings', settings: { language } });
      await recordHandover(db, holderHandover(card), testCommandContext());
      await changeCenter(words, 'AUD-1');
      expect(await screen.findByRole('alert')).toHaveTextContent(
        words.refusalCenterHasUnsentEvents,
      );
      expect(await db.cards.count()).toBe(1);
      expect(await db.events.count()).toBe(1);
      expect((await db.settings.get('centerId'))?.value ?? 'DEMO-01').toBe('DEMO-01');
    },
  );

  it('erases the old center’s cards when nothing waits, and says so', async () => {
    const { db } = await renderApp({
      cards: [createCard(), createCard()],
      route: '/settings',
      settings: { language: 'en' },
    });
    await changeCenter(en, 'AUD-1');
    expect(await screen.findByText(en.settingsCenterSwitched)).toHaveAttribute('role', 'status');
    await waitFor(async () => expect(await db.cards.count()).toBe(0));
    expect((await db.settings.get('centerId'))?.value).toBe('AUD-1');
  });
});
