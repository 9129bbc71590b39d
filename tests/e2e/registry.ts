// Starts the real mock registry (which also serves the production build) as a child process
// that a test can stop and start again on the same port, so "the endpoint is down" is real. Its
// database is a PGlite folder of the test's, or, when the run is for PostgreSQL
// (TAHVIL_TEST_BACKEND=postgres, in CI), a database of its own on that server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  AddStaffRequest,
  Card,
  CenterRules,
  DeviceRecord,
  EnrolmentCodeResponse,
  ProtocolEvent,
  StaffRecord,
} from '../../src/protocol/protocol.ts';
import {
  centerAdminPath,
  centerDevicesPath,
  centerStaffAdminPath,
  enrolmentCodesPath,
  staffAdminPath,
  withdrawDevicePath,
} from '../../src/protocol/protocol.ts';
import type { MockEventsResponse } from '../../server/handler.ts';
import { TEST_BACKEND, testPostgresDatabase } from '../../server/test-helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The /__mock/ controls' token for the registry the tests start (staff's tools, not a tablet's). */
const ADMIN_TOKEN = 'e2e-administrator-token';
const ADMIN_HEADERS = { Authorization: `Bearer ${ADMIN_TOKEN}` };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The one-time enrolment links the registry prints at start, as a newcomer reads them. */
const PRINTED_ENROLMENT_LINK = /https?:\/\/\S+\/enrol\?code=\d{12}/g;
/** The demo staff's lines of the banner: `  staff S-101 زهرا رضایی (clerk), PIN 482913`. */
const PRINTED_STAFF_PIN = /^ {2}staff (\S+) (.+) \((clerk|supervisor)\), PIN (\d{4,8})$/gm;

/** Who signs in on a test tablet: what the sign-in screen shows and the PIN typed. */
export interface StaffSignIn {
  staffId: string;
  name: string;
  pin: string;
}

export class MockRegistry {
  private child: ChildProcess | null = null;
  /** What the last start printed: its banner, with the enrolment links. */
  startOutput = '';
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'tahvil-e2e-'));

  private constructor(readonly port: number) {}

  static async create(): Promise<MockRegistry> {
    return new MockRegistry(await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts (or restarts) the registry; `extraArgs` are more flags of server/main.ts (faults),
   * `appDir` the build it serves (dist-next is a second build, for the update test).
   */
  async start(
    extraArgs: readonly string[] = [],
    { appDir = 'dist' }: { appDir?: string } = {},
  ): Promise<void> {
    const storage =
      TEST_BACKEND === 'postgres'
        ? ['--database-url', await testPostgresDatabase(this.dataDir)]
        : ['--data', path.join(this.dataDir, 'registry')];
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [
        'server/main.ts',
        '--port',
        String(this.port),
        ...storage,
        '--serve-app',
        appDir,
        '--admin-token',
        ADMIN_TOKEN,
        ...extraArgs,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mock registry exited: ${output}`);
      try {
        const response = await fetch(`${this.url}/api/v2/health`);
        if (response.ok) {
          // The banner is written as the server starts listening; give it a moment to arrive.
          for (let wait = 0; wait < 50 && !PRINTED_ENROLMENT_LINK.test(output); wait++)
            await new Promise((resolve) => setTimeout(resolve, 20));
          PRINTED_ENROLMENT_LINK.lastIndex = 0;
          this.startOutput = output;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`mock registry did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async acceptedEvents(centerId = 'DEMO-01'): Promise<readonly ProtocolEvent[]> {
    const response = await fetch(`${this.url}/__mock/events?centerId=${centerId}`, {
      headers: ADMIN_HEADERS,
    });
    if (!response.ok) throw new Error(`events: ${response.status}`);
    return ((await response.json()) as MockEventsResponse).events;
  }

  /** The enrolment links the last start printed (one per `--enrolment-codes`). */
  printedEnrolmentLinks(): string[] {
    return [...this.startOutput.matchAll(PRINTED_ENROLMENT_LINK)].map((match) => match[0]);
  }

  /** A new one-time enrolment link for `centerId`, as the registry's administrator issues one. */
  async enrolmentLink(centerId = 'DEMO-01'): Promise<string> {
    const response = await fetch(`${this.url}${enrolmentCodesPath(centerId)}`, {
      method: 'POST',
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (response.status !== 201) throw new Error(`enrolment code: ${response.status}`);
    const { enrolPath } = (await response.json()) as EnrolmentCodeResponse;
    return `${this.url}${enrolPath}`;
  }

  /** The demo staff and the PINs the last start printed for them (fresh at every start). */
  printedStaffPins(): Array<{ staffId: string; name: string; role: string; pin: string }> {
    return [...this.startOutput.matchAll(PRINTED_STAFF_PIN)].map(
      ([, staffId, name, role, pin]) => ({
        staffId: staffId!,
        name: name!,
        role: role!,
        pin: pin!,
      }),
    );
  }

  /** The demo clerk (S-101) or supervisor (S-201) with the PIN the last start printed. */
  demoStaff(role: 'clerk' | 'supervisor'): StaffSignIn {
    const member = this.printedStaffPins().find((printed) => printed.role === role);
    if (!member) throw new Error(`the registry printed no demo ${role}`);
    return member;
  }

  /** Adds a member to a center's roster with their first PIN, as the registry's administrator. */
  async addStaff(member: AddStaffRequest, centerId = 'DEMO-01'): Promise<StaffRecord> {
    return this.staffAdmin(centerStaffAdminPath(centerId), 'POST', member, 201);
  }

  /** Sets a member's PIN (a forgotten one), as the registry's administrator. */
  async setStaffPin(staffId: string, pin: string, centerId = 'DEMO-01'): Promise<StaffRecord> {
    return this.staffAdmin(`${staffAdminPath(centerId, staffId)}/pin`, 'PUT', { pin }, 200);
  }

  /** Deactivates a member for good; their tablets sign them out at the next roster pull. */
  async deactivateStaff(staffId: string, centerId = 'DEMO-01'): Promise<StaffRecord> {
    return this.staffAdmin(`${staffAdminPath(centerId, staffId)}/deactivate`, 'POST', {}, 200);
  }

  /** The center's roster as the administrator sees it (no verifiers). */
  async staff(centerId = 'DEMO-01'): Promise<StaffRecord[]> {
    const response = await fetch(`${this.url}${centerStaffAdminPath(centerId)}`, {
      headers: ADMIN_HEADERS,
    });
    if (!response.ok) throw new Error(`staff: ${response.status}`);
    return ((await response.json()) as { staff: StaffRecord[] }).staff;
  }

  private async staffAdmin(
    adminPath: string,
    method: string,
    body: unknown,
    status: number,
  ): Promise<StaffRecord> {
    const response = await fetch(`${this.url}${adminPath}`, {
      method,
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== status)
      throw new Error(`staff ${method} ${adminPath}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { staff: StaffRecord }).staff;
  }

  /** Creates or changes a center: its name and rules. */
  async putCenter(centerId: string, body: { name?: string; rules?: CenterRules }): Promise<void> {
    const response = await fetch(`${this.url}${centerAdminPath(centerId)}`, {
      method: 'PUT',
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`center: ${response.status} ${await response.text()}`);
  }

  async devices(centerId = 'DEMO-01'): Promise<DeviceRecord[]> {
    const response = await fetch(`${this.url}${centerDevicesPath(centerId)}`, {
      headers: ADMIN_HEADERS,
    });
    if (!response.ok) throw new Error(`devices: ${response.status}`);
    return ((await response.json()) as { devices: DeviceRecord[] }).devices;
  }

  async withdraw(deviceId: string): Promise<void> {
    const response = await fetch(`${this.url}${withdrawDevicePath(deviceId)}`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
    });
    if (!response.ok) throw new Error(`withdraw: ${response.status}`);
  }

  /** Every card of a center as the registry holds it (the administrator's view). */
  async cards(centerId = 'DEMO-01'): Promise<Card[]> {
    const response = await fetch(`${this.url}/__mock/cards?centerId=${centerId}`, {
      headers: ADMIN_HEADERS,
    });
    if (!response.ok) throw new Error(`cards: ${response.status}`);
    return ((await response.json()) as { cards: Card[] }).cards;
  }

  /** Adds cards to a center: given fields win, the registry makes up the rest. */
  async loadCards(centerId: string, cards: ReadonlyArray<Partial<Card>>): Promise<void> {
    const response = await fetch(`${this.url}/__mock/cards`, {
      method: 'POST',
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ centerId, cards }),
    });
    if (!response.ok) throw new Error(`load cards: ${response.status} ${await response.text()}`);
  }

  /** Ready cards of the demo center in version order, skipping `skip` of them. */
  async readyCards(count: number, skip = 0): Promise<Card[]> {
    const ready = (await this.cards('DEMO-01'))
      .filter((card) => card.status === 'ready')
      .slice(skip, skip + count);
    if (ready.length < count) throw new Error(`only ${ready.length} ready cards`);
    return ready;
  }

  /** What head office does between two syncs of a tablet: the card must never be handed over. */
  async revoke(cardId: string, centerId = 'DEMO-01'): Promise<void> {
    const response = await fetch(`${this.url}/__mock/revoke`, {
      method: 'POST',
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ centerId, cardId }),
    });
    if (!response.ok) throw new Error(`revoke: ${response.status} ${await response.text()}`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
