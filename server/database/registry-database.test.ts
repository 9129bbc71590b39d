// @vitest-environment node
// Opening the registry's database: a PGlite folder is opened by one registry at a time, a new
// folder starts from the migrated template, --fresh empties what is there, and an earlier data
// file given to a database that already holds centers is left alone, with a note.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CENTER_ID } from '../../src/protocol/protocol.ts';
import { createRegistryHandler } from '../handler.ts';
import { RegistryStore } from '../registry-store.ts';
import { openRegistryDatabase } from './registry-database.ts';

const dir = mkdtempSync(join(tmpdir(), 'tahvil-database-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a PGlite folder', () => {
  it('is opened by one registry at a time, and again once it is closed', async () => {
    const dataDir = join(dir, 'locked');
    const first = await openRegistryDatabase({ dataDir });
    await expect(openRegistryDatabase({ dataDir })).rejects.toThrow(
      `the database folder ${dataDir} is open in another registry (process ${process.pid}); stop it first`,
    );
    await new RegistryStore(first).ensureCenter('KEPT-1');
    await first.close();
    const second = await openRegistryDatabase({ dataDir });
    try {
      expect(await new RegistryStore(second).centerIds()).toEqual(['KEPT-1']);
    } finally {
      await second.close();
    }
  });

  it('takes over the lock of a registry that is gone (killed), not of one that runs', async () => {
    const dataDir = join(dir, 'stale');
    await (await openRegistryDatabase({ dataDir })).close();
    // A process id no process has: what a registry killed with SIGKILL leaves behind.
    writeFileSync(join(dataDir, 'tahvil-registry.lock'), '2147483646');
    const reopened = await openRegistryDatabase({ dataDir });
    await reopened.close();
  });

  it('starts new, migrated, from the template', async () => {
    const db = await openRegistryDatabase({ dataDir: join(dir, 'new') });
    try {
      expect(await db.query('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
      expect(await db.query('SELECT count(*)::bigint AS n FROM cards')).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });
});

describe('the handler at start', () => {
  it('--fresh empties the database and seeds the demo again', async () => {
    const dataDir = join(dir, 'fresh');
    const first = await createRegistryHandler({ dataDir, seedCards: 7 });
    await first.state.ensureCenter('GONE-1');
    await first.state.devices.issueCode(DEMO_CENTER_ID, 60);
    await first.close();
    const again = await createRegistryHandler({ dataDir, seedCards: 3, fresh: true });
    try {
      expect(again.started.seeded).toBe(true);
      expect(await again.state.centerIds()).toEqual([DEMO_CENTER_ID]);
      expect(await again.state.cardCount(DEMO_CENTER_ID)).toBe(3);
      expect((await again.state.devices.all()).enrolmentCodes).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('leaves an earlier data file alone when the database already holds centers, and says so', async () => {
    const dataDir = join(dir, 'held');
    const oldFile = join(dir, 'mock.json');
    writeFileSync(oldFile, '{"format":"tahvil-mock-registry"}');
    await (await createRegistryHandler({ dataDir, seedCards: 2 })).close();
    const handler = await createRegistryHandler({ dataDir, importFrom: oldFile });
    try {
      expect(handler.started).toEqual({ seeded: false, imported: null, importSkipped: oldFile });
      expect(await handler.state.cardCount(DEMO_CENTER_ID)).toBe(2);
    } finally {
      await handler.close();
    }
  });
});
