// The mock registry as in real use, in this process: seeded fresh with as many demo cards as
// the bench's inventory, its data file in a temporary folder (removed afterwards), so every
// push is journaled and fsynced before it is answered; and the one-origin server in front of it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { generateDemoCards } from '../../server/demo-inventory.ts';
import { createRegistryHandler, type RegistryHandler } from '../../server/handler.ts';
import { appOutDir, pageOutDir } from './paths.ts';
import { progress } from './progress.ts';
import { startStaticServer, type BenchServer } from './static-server.ts';

export interface BenchOrigin {
  registry: RegistryHandler;
  server: BenchServer;
  /** Stops serving, lets the registry finish its last write, then removes its folder. */
  close(): Promise<void>;
}

export async function startRegistryAndServer(cards: number): Promise<BenchOrigin> {
  const registryDir = await mkdtemp(join(os.tmpdir(), 'tahvil-bench-registry-'));
  const seeded = Date.now();
  // Same origin as the page, so no CORS headers are needed.
  const registry = createRegistryHandler({
    dataFile: join(registryDir, 'registry.json'),
    fresh: true,
    seedCards: cards,
    cors: false,
  });
  // The first snapshot (the whole inventory) is written now, not during the first pull page.
  await registry.flush();
  progress(
    `mock registry: ${cards} cards seeded and on disk in ${Date.now() - seeded} ms (${registryDir})`,
  );
  const server = await startStaticServer({ appDir: appOutDir, benchDir: pageOutDir, registry });
  return {
    registry,
    server,
    async close() {
      await server.close();
      await registry.flush().catch(() => undefined);
      await rm(registryDir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds center `centerId` with `count` demo cards of its own (step 8b's inventory, sized apart
 * from `--cards`), on disk when it resolves, so its snapshot is not written during the pull.
 */
export async function seedCenter(
  registry: RegistryHandler,
  centerId: string,
  count: number,
): Promise<void> {
  const seeded = Date.now();
  registry.state.ensureCenter(centerId);
  registry.state.putCards(centerId, generateDemoCards(centerId, count), { keepUpdatedAt: true });
  await registry.flush();
  progress(`mock registry: ${centerId} seeded with ${count} cards in ${Date.now() - seeded} ms`);
}
