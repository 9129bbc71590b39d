// @vitest-environment node
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandLine } from './cli-options.ts';
import {
  ADMIN_TOKEN_ENV,
  CommandLineError,
  DATABASE_URL_ENV,
  FAULT_ENV,
  OPTIONS,
  USAGE,
  parseCommandLine,
} from './cli-options.ts';

function run(
  argv: string[],
  env: Record<string, string> = {},
): Extract<CommandLine, { help: false }> {
  const parsed = parseCommandLine(argv, env);
  if (parsed.help) throw new Error('asked for help');
  return parsed;
}

describe('command line', () => {
  it('--help lists every flag', () => {
    for (const flag of Object.keys(OPTIONS))
      expect(USAGE).toMatch(new RegExp(`^\\s+--${flag}\\b`, 'm'));
  });

  it('--help names the environment variable of every fault, the administrator token and the database', () => {
    for (const { env } of Object.values(FAULT_ENV)) expect(USAGE).toContain(env);
    expect(USAGE).toContain(ADMIN_TOKEN_ENV);
    expect(USAGE).toContain(DATABASE_URL_ENV);
  });

  it('takes the administrator token from --admin-token, else from TAHVIL_ADMIN_TOKEN', () => {
    const token = 'a'.repeat(16);
    expect(run(['--admin-token', token]).handler.adminToken).toBe(token);
    expect(run([], { TAHVIL_ADMIN_TOKEN: token }).handler.adminToken).toBe(token);
    expect(
      run(['--admin-token', token], { TAHVIL_ADMIN_TOKEN: 'b'.repeat(16) }).handler.adminToken,
    ).toBe(token);
    expect(run([], { TAHVIL_ADMIN_TOKEN: '' }).handler.adminToken).toBeUndefined();
  });

  it('takes each --connect-origin for the served app', () => {
    expect(
      run(['--connect-origin', 'https://a.example', '--connect-origin', 'https://b.example'])
        .handler.connectSources,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('answers --help before reading anything else', () => {
    expect(parseCommandLine(['--help', '--port', 'nope'], {})).toEqual({ help: true });
  });

  it('listens on 127.0.0.1:8787 by default, state in memory, no faults', () => {
    expect(run([], {})).toEqual({
      help: false,
      port: 8787,
      host: '127.0.0.1',
      quiet: false,
      enrolmentCodes: 1,
      handler: { faults: {}, fresh: false, mockEndpoints: true },
    });
  });

  it('reads the documented start command', () => {
    const parsed = run([
      '--port',
      '8787',
      '--data',
      'var/registry',
      '--host',
      '0.0.0.0',
      '--enrolment-codes',
      '2',
      '--seed-cards',
      '200',
      '--quiet',
    ]);
    expect(parsed).toMatchObject({
      port: 8787,
      host: '0.0.0.0',
      quiet: true,
      dataPlace: resolve('var/registry'),
      seedCards: 200,
      enrolmentCodes: 2,
    });
    expect(parsed.handler).toMatchObject({
      dataDir: resolve('var/registry'),
      seedCards: 200,
    });
    expect(parsed.handler).not.toHaveProperty('databaseUrl');
    expect(parsed.handler).not.toHaveProperty('tokens');
  });

  it('takes a PostgreSQL server from --database-url, else from DATABASE_URL, over --data', () => {
    const url = 'postgres://registry@db.example:5432/tahvil';
    const fromFlag = run(['--database-url', url, '--data', 'var/registry'], {
      DATABASE_URL: 'postgresql://other@db.example/other',
    });
    expect(fromFlag.handler.databaseUrl).toBe(url);
    expect(fromFlag.handler).not.toHaveProperty('dataDir');
    expect(fromFlag.dataPlace).toBe(`PostgreSQL ${url}`);

    const fromEnv = run(['--data', 'var/registry'], { DATABASE_URL: url });
    expect(fromEnv.handler.databaseUrl).toBe(url);
    expect(fromEnv.handler).not.toHaveProperty('dataDir');

    // An empty variable is unset: --data, or memory, then.
    const unset = run(['--data', 'var/registry'], { DATABASE_URL: '' });
    expect(unset.handler).not.toHaveProperty('databaseUrl');
    expect(unset.handler.dataDir).toBe(resolve('var/registry'));
    expect(run([], { DATABASE_URL: '' })).not.toHaveProperty('dataPlace');
  });

  it.each([
    ['in the URL', 'postgresql://registry:s3cr3t-pw@db.example:5432/tahvil?sslmode=require'],
    ['in its query', 'postgres://registry@db.example/tahvil?password=s3cr3t-pw&sslmode=require'],
  ])('keeps the database password %s out of the data place it prints', (_, url) => {
    const parsed = run(['--database-url', url]);
    // The registry still connects with it; only the start message leaves it out.
    expect(parsed.handler.databaseUrl).toBe(url);
    expect(parsed.dataPlace).toMatch(/^PostgreSQL postgres(ql)?:\/\/registry@db\.example/);
    expect(parsed.dataPlace).not.toContain('s3cr3t-pw');
    expect(parsed.dataPlace).toContain('sslmode=require');
  });

  it('takes an old data file to import from --import-from', () => {
    const parsed = run(['--data', 'var/registry', '--import-from', 'var/mock.json']);
    expect(parsed.handler.importFrom).toBe(resolve('var/mock.json'));
    expect(parsed.handler.dataDir).toBe(resolve('var/registry'));
    expect(run([]).handler).not.toHaveProperty('importFrom');
  });

  it.each([
    ['--latency-ms', '250', 'latencyMs', 250],
    ['--fail-rate', '0.2', 'failRate', 0.2],
    ['--drop-rate', '0.1', 'dropRate', 0.1],
    ['--rate-limit-rate', '0.05', 'retryAfter429Rate', 0.05],
  ])('sets a fault with %s', (flag, value, fault, expected) => {
    expect(run([flag, value]).handler.faults).toEqual({ [fault]: expected });
  });

  it.each(Object.entries(FAULT_ENV))('sets %s from the environment', (fault, { env }) => {
    expect(run([], { [env]: '1' }).handler.faults).toEqual({ [fault]: 1 });
  });

  it.each(Object.entries(FAULT_ENV))(
    'lets the flag of %s win over its environment variable',
    (fault, { flag, env }) => {
      expect(run([`--${flag}`, '0'], { [env]: '1' }).handler.faults).toEqual({ [fault]: 0 });
    },
  );

  it('treats an empty environment variable as unset', () => {
    expect(run([], { TAHVIL_MOCK_FAIL_RATE: '' }).handler.faults).toEqual({});
  });

  it.each([
    [['--fail-rate', '1.5'], {}, '--fail-rate'],
    [['--latency-ms', '-1'], {}, '--latency-ms'],
    [['--port', '70000'], {}, '--port'],
    [['--token', 'a-center-token'], {}, 'no center tokens'],
    [['--token=a-center-token'], {}, 'no center tokens'],
    [['--enrolment-codes', '51'], {}, '--enrolment-codes'],
    [['--enrolment-codes', '1.5'], {}, '--enrolment-codes'],
    [['--frobnicate'], {}, 'frobnicate'],
    [[], { TAHVIL_MOCK_DROP_RATE: 'often' }, 'TAHVIL_MOCK_DROP_RATE'],
    [[], { TAHVIL_MOCK_LATENCY_MS: '2.5' }, 'TAHVIL_MOCK_LATENCY_MS'],
    [['--admin-token', 'short'], {}, '--admin-token'],
    [['--admin-token', 'has a space inside it'], {}, '--admin-token'],
    [[], { TAHVIL_ADMIN_TOKEN: 'short' }, 'TAHVIL_ADMIN_TOKEN'],
    [['--database-url', 'mysql://registry@db.example/tahvil'], {}, '--database-url'],
    [['--database-url', 'not a url'], {}, '--database-url'],
    [['--database-url', '/var/run/postgresql'], {}, '--database-url'],
  ])('refuses %j with env %j, naming %s', (argv, env, name) => {
    expect(() => parseCommandLine(argv, env)).toThrow(CommandLineError);
    expect(() => parseCommandLine(argv, env)).toThrow(name);
  });
});
