import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { issueToken, loadOrCreateSigningKey } from '@ml/auth';
import { ensureBuilt, exitOf, startServer, type ServerProcess } from './support/server-process.js';

/**
 * The operator's backup and restore verbs, run as operators run them (the built CLI in its
 * own process) against the server as users run it, while it takes mutations over HTTP.
 */
const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

function rowsOf(file: string): EventRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM events ORDER BY position').all() as EventRow[];
  } finally {
    db.close();
  }
}

const DEFINE = `mutation($i: DefineMeasureInput!) { defineMeasure(input: $i) { position } }`;

describe('backup and restore of the embedded store', () => {
  let dir: string;
  let elsewhere: string;
  let server: ServerProcess | undefined;
  let admin: string;
  const backupFile = () => join(elsewhere, 'backup.sqlite');
  const storeFile = () => join(dir, 'events.sqlite');

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${server!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, never>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const defineMeasure = (measureId: string) =>
    gql(DEFINE, {
      i: {
        measureId,
        masterplanId: 'aachen-2020',
        themeFieldId: 'innovationen',
        title: `Measure ${measureId}`,
        description: 'defined while a backup runs',
        kind: 'STANDARD',
      },
    });

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ml-backup-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'ml-backup-files-'));
    execFileSync(process.execPath, [cli, 'seed-demo'], {
      env: { ...process.env, DATA_DIR: dir },
      stdio: 'ignore',
    });
    server = await startServer({ DATA_DIR: dir });
    admin = await issueToken(await loadOrCreateSigningKey(dir), {
      userId: 'fb02.wolf',
      roles: ['administrator'],
    });
  }, 60_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('backs up while the server writes: the copy passes the integrity check and holds a prefix of the live log, in order', async () => {
    let stop = false;
    let defined = 0;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        await defineMeasure(`load-${w}-${i}`);
        defined++;
      }
    };
    const writers = [0, 1, 2].map(writer);
    const atLeast = async (count: number) => {
      while (defined < count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await atLeast(20);
    const before = defined;
    const backup = await runCli(['backup', backupFile()], { DATA_DIR: dir });
    const whileBackingUp = defined - before;
    await atLeast(defined + 20);
    stop = true;
    await Promise.all(writers);

    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(whileBackingUp).toBeGreaterThan(0);
    const [, count, head] = /Backed up (\d+) events in \d+ streams, up to position (\d+)/.exec(
      backup.stdout,
    )!;

    const copy = new Database(backupFile(), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    // One self-contained file: no write-ahead log to keep beside it.
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    const backedUp = rowsOf(backupFile());
    const live = rowsOf(storeFile());
    expect(backedUp).toHaveLength(Number(count));
    expect(backedUp[backedUp.length - 1]!.position).toBe(Number(head));
    expect(live.length).toBeGreaterThan(backedUp.length);
    expect(live.slice(0, backedUp.length)).toEqual(backedUp);
    expect(
      backedUp.some((row) => row.type === 'MeasureDefined' && row.data.includes('load-')),
    ).toBe(true);
  });

  it('a backup never overwrites a file', async () => {
    const again = await runCli(['backup', backupFile()], { DATA_DIR: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
  });

  it('restore refuses while the server runs, and leaves the store as it was', async () => {
    const before = rowsOf(storeFile());
    const refused = await runCli(['restore', backupFile()], { DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/events\.sqlite is in use by another process.*stop it first/);
    expect(rowsOf(storeFile())).toEqual(before);
  });

  it('restore refuses what is not an event store of this version, and leaves the store as it was', async () => {
    const notSqlite = join(elsewhere, 'notes.txt');
    writeFileSync(notSqlite, 'not a database');
    const otherProgram = join(elsewhere, 'other.sqlite');
    const other = new Database(otherProgram);
    other.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT)');
    other.close();
    const newer = join(elsewhere, 'newer.sqlite');
    copyFileSync(backupFile(), newer);
    const newerDb = new Database(newer);
    newerDb.pragma('user_version = 99');
    newerDb.close();

    server!.child.kill('SIGTERM');
    await exitOf(server!.child);
    server = undefined;
    const before = rowsOf(storeFile());
    const expectations: Array<[string, RegExp]> = [
      [notSqlite, /notes\.txt is not an event store .*SQLite cannot open it/],
      [otherProgram, /other\.sqlite is not an event store .*events table has other columns/],
      [newer, /newer\.sqlite is not an event store .*newer version \(store layout 99/],
    ];
    for (const [file, message] of expectations) {
      const refused = await runCli(['restore', file], { DATA_DIR: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(message);
    }
    expect(rowsOf(storeFile())).toEqual(before);
    expect(existsSync(join(dir, 'read-models.sqlite'))).toBe(true);
  });

  it('restores exactly the backed-up events once the server is stopped, and the next start rebuilds the read models from them', async () => {
    expect(server).toBeUndefined();
    const backedUp = rowsOf(backupFile());
    expect(rowsOf(storeFile()).length).toBeGreaterThan(backedUp.length);

    const restored = await runCli(['restore', backupFile()], { DATA_DIR: dir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`Restored ${backedUp.length} events`);
    expect(rowsOf(storeFile())).toEqual(backedUp);
    expect(existsSync(join(dir, 'read-models.sqlite'))).toBe(false);

    server = await startServer({ DATA_DIR: dir });
    const caughtUp = async () => {
      for (;;) {
        const { projectionStatus } = await gql('{ projectionStatus { state checkpoint head } }');
        const all = projectionStatus as Array<{ state: string; checkpoint: string; head: string }>;
        if (all.every((s) => s.state === 'OFF' || s.checkpoint === s.head)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await caughtUp();
    const shown = await gql(
      '{ masterplan(id: "aachen-2020") { themeFields { measures { id } } } }',
    );
    const measures = (
      shown.masterplan as { themeFields: Array<{ measures: Array<{ id: string }> }> }
    ).themeFields
      .flatMap((t) => t.measures.map((m) => m.id))
      .filter((id) => id.startsWith('load-'))
      .sort();
    const definedInBackup = backedUp
      .filter((row) => row.type === 'MeasureDefined')
      .map((row) => (JSON.parse(row.data) as { measureId: string }).measureId)
      .filter((id) => id.startsWith('load-'))
      .sort();
    expect(measures).toEqual(definedInBackup);

    // The log goes on from the restored head.
    const after = await defineMeasure('after-restore');
    expect(Number(after.defineMeasure!['position'])).toBeGreaterThan(
      backedUp[backedUp.length - 1]!.position,
    );
  });

  it('each verb explains itself with --help', async () => {
    for (const verb of ['backup', 'restore', 'migrate']) {
      const help = await runCli([verb, '--help'], { DATA_DIR: dir });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: npm run cli -- ${verb}\\b`));
    }
  });

  it('migrate names the setting it needs when no target is set', async () => {
    const refused = await runCli(['migrate'], { DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('set EVENTSTORE_CONNECTION_STRING to the target');
  });
});
