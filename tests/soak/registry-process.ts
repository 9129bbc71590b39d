// The soak's registry: the real server/main.ts as a child process on a PGlite folder (or, under
// TAHVIL_TEST_BACKEND=postgres, a database of the test server), so the soak can kill it with
// SIGKILL in the middle of a push and start it again, the same command on the same folder and
// port, as crash.test.ts does. Everything else goes over HTTP with the administrator token: the
// /__mock/ controls (faults, reset, events, cards) and the enrolment codes. The test roster is
// written into the database with its written-out verifiers before the first start, while no
// registry has it open (server/main.ts has no flag for it; a real 600,000-iteration verifier
// would cost each tablet's sign-in ~130 ms). Faults live in the registry's memory, so a restart
// forgets them: the faults the soak last set are set again once it is back.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEMO_CENTER_ID,
  enrolmentCodesPath,
  type EnrolmentCodeResponse,
} from '../../src/protocol/protocol.ts';
import { createRegistryHandler, type FaultOptions } from '../../server/handler.ts';
import { TEST_BACKEND, seedRoster, testPostgresDatabase } from '../../server/test-helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_TOKEN = 'soak-administrator-token-not-a-secret';
/** How long a start may take: tsx, PGlite and two demo PINs' verifiers, on a busy machine. */
const START_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 10_000;
/** What the soak keeps of the child's stderr for a failing run's report. */
const STDERR_KEPT_CHARS = 4_000;
/** Admin requests retried on a dropped connection (a socket the killed registry left behind). */
const ADMIN_ATTEMPTS = 4;

export interface SoakRegistryOptions {
  seedCards: number;
  seed: number;
}

/** A port nothing listens on now, for the registry to keep across its restarts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const NO_FAULTS: FaultOptions = { latencyMs: 0, failRate: 0, dropRate: 0, retryAfter429Rate: 0 };

export class SoakRegistry {
  readonly base: string;
  private child: ChildProcess | null = null;
  private expectedExit = false;
  /** Set when the child exited without the soak killing or stopping it. */
  private died: string | null = null;
  private stderr = '';
  private wantedFaults: FaultOptions = { ...NO_FAULTS };
  private restarting: Promise<void> | null = null;
  /** The latest restart, kept so a failed one keeps failing whoever waits for the registry. */
  private lastRestart: Promise<void> | null = null;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    private readonly port: number,
    private readonly storage: readonly string[],
    private readonly folder: string | null,
    private readonly options: SoakRegistryOptions,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  /** A registry with DEMO-01's demo inventory and the test roster, listening. */
  static async start(options: SoakRegistryOptions): Promise<SoakRegistry> {
    let folder: string | null = null;
    let storage: string[];
    let where: { dataDir: string } | { databaseUrl: string };
    if (TEST_BACKEND === 'postgres') {
      const databaseUrl = await testPostgresDatabase();
      storage = ['--database-url', databaseUrl];
      where = { databaseUrl };
    } else {
      folder = mkdtempSync(join(tmpdir(), 'tahvil-soak-'));
      const dataDir = join(folder, 'registry');
      storage = ['--data', dataDir];
      where = { dataDir };
    }
    // Before any child has it open: the inventory, and the test roster with its verifiers.
    const handler = await createRegistryHandler({ ...where, ...options });
    try {
      await seedRoster(handler.state, DEMO_CENTER_ID);
    } finally {
      await handler.close();
    }
    const registry = new SoakRegistry(await freePort(), storage, folder, options);
    process.once('exit', registry.killOnExit);
    await registry.launch();
    return registry;
  }

  /** Null while all is well; else why the child is gone though nobody stopped it. */
  get failure(): string | null {
    return this.died;
  }

  /** The child's stderr since the last call (it prints nothing there while all is well). */
  takeStderr(): string {
    const text = this.stderr;
    this.stderr = '';
    return text;
  }

  /** True from a kill until the registry started again listens. */
  get down(): boolean {
    return this.restarting !== null;
  }

  /**
   * SIGKILL, its exit (`onKilled` is told then), and the same command again on the same folder
   * and port, with the faults the soak had set. whenUp() waits for it.
   */
  killAndRestart(onKilled: () => void = () => undefined): Promise<void> {
    if (this.restarting) throw new Error('the registry is already being restarted');
    const restarting = (async () => {
      try {
        await this.kill();
        onKilled();
        await this.restart();
      } finally {
        this.restarting = null;
      }
    })();
    this.restarting = restarting;
    this.lastRestart = restarting;
    return restarting;
  }

  /** Once the registry listens (after a restart under way); throws if that restart failed. */
  async whenUp(): Promise<void> {
    if (this.lastRestart) await this.lastRestart;
  }

  /** SIGKILL, then its exit: nothing it had not committed survives. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) throw new Error('the registry is not running');
    this.expectedExit = true;
    child.kill('SIGKILL');
    await exited(child);
    this.child = null;
    if (child.signalCode !== 'SIGKILL')
      throw new Error(`the registry ended with ${child.exitCode ?? child.signalCode}, not SIGKILL`);
  }

  /** The same command again, on the same folder and port; then the faults it had. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('the registry is still running');
    await this.launch();
    if (JSON.stringify(this.wantedFaults) === JSON.stringify(NO_FAULTS)) return;
    await this.postFaults(this.wantedFaults, false);
    const response = await this.send('/__mock/faults', {}, false);
    const { faults } = (await response.json()) as { faults: FaultOptions };
    if (JSON.stringify(faults) !== JSON.stringify({ ...faults, ...this.wantedFaults }))
      throw new Error(`the restarted registry applies ${JSON.stringify(faults)}, not the soak's`);
  }

  private async launch(): Promise<void> {
    this.expectedExit = false;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/main.ts',
        '--port',
        String(this.port),
        ...this.storage,
        '--admin-token',
        ADMIN_TOKEN,
        '--seed-cards',
        String(this.options.seedCards),
        '--quiet',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT_CHARS);
    });
    let banner = '';
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`the registry did not start within ${START_LIMIT_MS} ms: ${banner}`)),
        START_LIMIT_MS,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`the registry exited (${code ?? signal}) at start: ${this.stderr}`));
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        // Its last banner line; with --quiet nothing follows but the exit.
        if (/listening on http:\/\/\S+/.test(banner) && /\n {2}data .*\n/.test(banner)) {
          clearTimeout(timer);
          done();
        }
      });
    });
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => {
      if (!this.expectedExit)
        this.died = `the registry exited on its own (${code ?? signal}): ${this.stderr.trim()}`;
    });
  }

  /**
   * A request with the administrator token, once the registry is up (after a restart under way),
   * retried when its connection was dropped.
   */
  admin(path: string, init: RequestInit = {}): Promise<Response> {
    return this.send(path, init, true);
  }

  private async send(path: string, init: RequestInit, waitUp: boolean): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      if (waitUp) await this.whenUp();
      try {
        return await fetch(`${this.base}${path}`, {
          ...init,
          headers: {
            Authorization: `Bearer ${ADMIN_TOKEN}`,
            'Content-Type': 'application/json',
            ...(init.headers as Record<string, string> | undefined),
          },
        });
      } catch (error) {
        // Cut off by a kill (whenUp then waits for the restart), or sent on a connection the
        // killed registry left: every control the soak sends may be sent again.
        if (attempt >= ADMIN_ATTEMPTS) throw error;
        await new Promise((done) => setTimeout(done, 50 * attempt));
      }
    }
  }

  mock(path: string, init: RequestInit = {}): Promise<Response> {
    return this.admin(`/__mock/${path}`, init);
  }

  async issueEnrolmentCode(): Promise<EnrolmentCodeResponse> {
    const response = await this.admin(enrolmentCodesPath(DEMO_CENTER_ID), {
      method: 'POST',
      body: '{}',
    });
    if (response.status !== 201)
      throw new Error(`issuing an enrolment code answered ${response.status}`);
    return (await response.json()) as EnrolmentCodeResponse;
  }

  /** POST /__mock/faults; kept, so a restarted registry gets them again. */
  async setFaults(changes: Partial<FaultOptions>): Promise<FaultOptions> {
    this.wantedFaults = { ...this.wantedFaults, ...changes };
    return this.postFaults(changes);
  }

  /** POST /__mock/faults; `waitUp` false from restart(), which whenUp() waits for. */
  private async postFaults(changes: Partial<FaultOptions>, waitUp = true): Promise<FaultOptions> {
    const response = await this.send(
      '/__mock/faults',
      { method: 'POST', body: JSON.stringify(changes) },
      waitUp,
    );
    if (!response.ok)
      throw new Error(`POST /__mock/faults answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { faults: FaultOptions }).faults;
  }

  /** POST /__mock/reset: every center emptied, DEMO-01 reseeded (the roster and devices stay). */
  async reset(seedCards: number, seed: number): Promise<void> {
    const response = await this.mock('reset', {
      method: 'POST',
      body: JSON.stringify({ seedCards, seed }),
    });
    if (!response.ok)
      throw new Error(`POST /__mock/reset answered ${response.status}: ${await response.text()}`);
  }

  /** SIGTERM (a clean stop), then the folder goes. */
  async close(): Promise<void> {
    process.off('exit', this.killOnExit);
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.expectedExit = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
      await exited(child);
      clearTimeout(timer);
    }
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Resolves when the child has exited, also when it already has. */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}
