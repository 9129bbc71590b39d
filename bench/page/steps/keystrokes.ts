// Step 4, the page's part: what the clerk types into the real app's search screen, which
// bench/runner/steps/keystrokes.ts then types and times in a tab of its own.
import { toPersianDigits } from '../../../src/domain/digits.ts';
import { mulberry32, pick } from '../../../server/demo-inventory.ts';
import { inventoryCards, inventorySeed } from '../inventory.ts';

export interface KeystrokeSession {
  kind: 'name' | 'code';
  text: string;
}

/** Names and national codes of stored cards, at least `minKeystrokes` characters in all. */
export function keystrokeSessions(minKeystrokes: number): KeystrokeSession[] {
  const cards = inventoryCards();
  const random = mulberry32(inventorySeed() + 7);
  const sessions: KeystrokeSession[] = [];
  let keystrokes = 0;
  let i = 0;
  while (keystrokes < minKeystrokes) {
    const card = pick(random, cards);
    const session: KeystrokeSession =
      i % 2 === 0
        ? // The first name in full, then the start of the last name (no ZWNJ in the first three letters).
          {
            kind: 'name',
            text: `${card.firstName} ${[...card.lastName].slice(0, 2 + (i % 3 === 0 ? 1 : 0)).join('')}`,
          }
        : {
            kind: 'code',
            text: i % 4 === 1 ? card.nationalCode : toPersianDigits(card.nationalCode),
          };
    sessions.push(session);
    keystrokes += [...session.text].length;
    i++;
  }
  return sessions;
}
