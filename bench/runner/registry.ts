// The mock registry as in real use, in this process: seeded fresh with as many demo cards as
// the bench's inventory, its database (PGlite) in a temporary folder (removed afterwards), so
// every push is committed before it is answered; and the one-origin server in front of it.
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
  /** Stops serving, closes the registry's database, then removes its folder. */
  close(): Promise<void>;
}

export async function startRegistryAndServer(cards: number): Promise<BenchOrigin> {
  const registryDir = await mkdtemp(join(os.tmpdir(), 'tahvil-bench-registry-'));
  const seeded = Date.now();
  // Same origin as the page, so no CORS headers are needed.
  const registry = await createRegistryHandler({
    dataDir: join(registryDir, 'registry'),
    seedCards: cards,
    cors: false,
  });
  progress(
    `mock registry: ${cards} cards seeded and committed in ${Date.now() - seeded} ms (${registryDir})`,
  );
  const server = await startStaticServer({ appDir: appOutDir, benchDir: pageOutDir, registry });
  return {
    registry,
    server,
    async close() {
      await server.close();
      await registry.close().catch(() => undefined);
      await rm(registryDir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds center `centerId` with `count` demo cards of its own (step 8b's inventory, sized apart
 * from `--cards`), committed when it resolves, so its writes do not overlap the pull.
 */
export async function seedCenter(
  registry: RegistryHandler,
  centerId: string,
  count: number,
): Promise<void> {
  const seeded = Date.now();
  await registry.state.putCards(centerId, generateDemoCards(centerId, count), {
    keepUpdatedAt: true,
  });
  progress(`mock registry: ${centerId} seeded with ${count} cards in ${Date.now() - seeded} ms`);
}
