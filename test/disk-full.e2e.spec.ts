import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken, loadOrCreateSigningKey } from '@ml/auth';
import { ACTORS } from '../apps/cli/src/seed/aachen-demo.data.js';
import { ensureBuilt, exitOf, startServer, type ServerProcess } from './support/server-process.js';

/**
 * The disk fills up under the server: real small file systems (tmpfs) under its DATA_DIR, a
 * burst of mutations until no more fit, then space freed again. Mounting needs root, as CI
 * and our machines run; elsewhere the suite is skipped and says why.
 */
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
const disks = mkdtempSync(join(tmpdir(), 'ml-small-disks-'));
const mounted: string[] = [];

/** A new tmpfs of 8 MB; undefined when it cannot be had, with the reason logged once. */
function smallDisk(name: string): string | undefined {
  const at = join(disks, name);
  mkdirSync(at);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', at], { stdio: 'pipe' });
  mounted.push(at);
  return at;
}

function whyNoSmallDisks(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'mounting a tmpfs needs root, and these tests do not run as root';
  try {
    smallDisk('probe');
    return undefined;
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    return `mount -t tmpfs was refused: ${stderr?.toString().trim() || (error as Error).message}`;
  }
}

const notMounted = whyNoSmallDisks();
if (notMounted)
  console.warn(`SKIPPED the full-disk tests (test/disk-full.e2e.spec.ts): ${notMounted}`);
const onSmallDisks = notMounted ? describe.skip : describe;

afterAll(() => {
  for (const at of mounted) execFileSync('umount', [at]);
  rmSync(disks, { recursive: true, force: true });
});

const free = (dir: string) => {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
};

/** Takes all but `leave` bytes of the file system holding `dir`, in one file. */
const fill = (dir: string, leave: number) => {
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, free(dir) - leave)));
  return filler;
};

/** The Aachen demo in `dataDir`, seeded elsewhere: seeding passes through more log than fits. */
function seedDemo(dataDir: string): void {
  const seeded = mkdtempSync(join(tmpdir(), 'ml-seeded-'));
  execFileSync(process.execPath, [cli, 'seed-demo'], {
    env: { ...process.env, DATA_DIR: seeded },
    stdio: 'ignore',
  });
  cpSync(seeded, dataDir, { recursive: true });
  rmSync(seeded, { recursive: true, force: true });
}

/** A proposal submitted, or progress reported on the hot measure m-01 (`id`: its note). */
interface Outcome {
  kind: 'proposal' | 'progress';
  id: string;
  code?: string;
  reason?: string;
  message?: string;
}

type Answer = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
};

const SUBMIT = `mutation($input: SubmitProposalInput!) { submitProposal(input: $input) { version position proposal { id } } }`;
const REPORT = `mutation($input: ReportMeasureProgressInput!) { reportMeasureProgress(input: $input) { version position } }`;
/** Agit leads m-01 in the demo: its representative reports the measure's progress. */
const HOT_MEASURE = { measureId: 'm-01', actorId: 'agit' };

/** The started server on `dataDir`, with representatives' and an administrator's tokens. */
async function serve(dataDir: string) {
  const server = await startServer({ DATA_DIR: dataDir });
  const key = await loadOrCreateSigningKey(dataDir);
  const tokens = new Map<string, string>();
  for (const a of ACTORS) tokens.set(a.id, await issueToken(key, { userId: a.rep, roles: [] }));
  const admin = await issueToken(key, { userId: 'fb02.wolf', roles: ['administrator'] });

  const gql = async (query: string, variables: Record<string, unknown> = {}, token = admin) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  };

  let sent = 0;
  const outcome = (kind: Outcome['kind'], id: string, answer: Answer): Outcome => {
    const error = answer.errors?.[0];
    return error ? { kind, id, ...error.extensions, message: error.message } : { kind, id };
  };
  const submit = async (client: number): Promise<Outcome> => {
    const actor = ACTORS[client % ACTORS.length]!;
    const proposalId = `full-${client}-${++sent}`;
    const answer = await gql(
      SUBMIT,
      {
        input: {
          proposalId,
          actorId: actor.id,
          masterplanId: 'aachen-2020',
          themeFieldId: 'fachkraefte',
          title: `Proposal ${proposalId}`,
          description: 'Sent while the disk fills up. '.repeat(20),
        },
      },
      tokens.get(actor.id),
    );
    return outcome('proposal', proposalId, answer);
  };
  /** Commands on one stream line up in the server and decide on what the one before leaves. */
  const report = async (expectedVersion?: number): Promise<Outcome> => {
    const n = ++sent;
    const note = `Report ${n}`;
    const answer = await gql(
      REPORT,
      {
        input: {
          ...HOT_MEASURE,
          percentComplete: n % 100,
          note,
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
        },
      },
      tokens.get(HOT_MEASURE.actorId),
    );
    return outcome('progress', note, answer);
  };

  /**
   * Eight clients, one request after another each, until `enough` says stop: four submit
   * proposals (new streams), four report progress on the same measure.
   */
  const burst = async (enough: (outcomes: Outcome[]) => boolean) => {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        while (!enough(outcomes) && outcomes.length < 3000)
          outcomes.push(await (client < 4 ? submit(client) : report()));
      }),
    );
    return outcomes;
  };

  const status = (path: string) => fetch(`${server.url}${path}`).then((r) => r.status);

  /** Space returned: the server is ready again by itself and its read models catch up. */
  const recovered = async () => {
    await until('the server is ready again', async () => (await status('/health/ready')) === 200);
    await until('the read models caught up', async () => {
      const answer = await gql('{ projectionStatus { state lagEvents } }');
      const rows = answer.data?.projectionStatus as Array<{ state: string; lagEvents: number }>;
      return rows.every((s) => s.state === 'RUNNING' && s.lagEvents === 0);
    });
  };

  /** Whether each proposal is shown: the answer's code when it is not. */
  const shown = async (outcomes: Outcome[]) =>
    Promise.all(
      outcomes
        .filter((o) => o.kind === 'proposal')
        .map(async ({ id }) => {
          const answer = await gql('query($id: ID!) { proposal(id: $id) { id } }', { id });
          return answer.data?.proposal ? 'shown' : answer.errors?.[0]?.extensions?.code;
        }),
    );

  /**
   * Stops the server; then the files must be intact and the read models equal to the log.
   * Returns what the log holds: the proposals, and the notes reported on the hot measure.
   */
  const stopAndCheckFiles = async () => {
    const listed = await gql('{ masterplans { themeFields { proposals { id } } } }');
    const proposalsShown = (
      listed.data?.masterplans as Array<{
        themeFields: Array<{ proposals: Array<{ id: string }> }>;
      }>
    ).flatMap((m) => m.themeFields.flatMap((f) => f.proposals.map((p) => p.id)));
    server.child.kill('SIGTERM');
    await exitOf(server.child);
    const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    const readModels = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
    try {
      expect(events.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(readModels.pragma('integrity_check', { simple: true })).toBe('ok');
      const gaps = events
        .prepare(
          `SELECT stream_id FROM events GROUP BY stream_id
           HAVING MIN(revision) != 0 OR MAX(revision) != COUNT(*) - 1`,
        )
        .all();
      expect(gaps).toEqual([]);
      const proposalsInLog = events
        .prepare<[], { id: string }>(
          `SELECT json_extract(data, '$.proposalId') AS id FROM events WHERE type = 'ProposalSubmitted'`,
        )
        .all()
        .map((row) => row.id);
      expect(proposalsShown.sort()).toEqual(proposalsInLog.sort());
      const hotStream = events
        .prepare<[string], { type: string; note: string | null }>(
          `SELECT type, json_extract(data, '$.note') AS note FROM events WHERE stream_id = ? ORDER BY revision`,
        )
        .all(`measure-${HOT_MEASURE.measureId}`);
      return {
        proposals: proposalsInLog,
        notes: hotStream.flatMap((e) => (e.note === null ? [] : [e.note])),
        hotStreamEvents: hotStream.length,
      };
    } finally {
      events.close();
      readModels.close();
    }
  };

  return { server, gql, submit, report, burst, status, recovered, shown, stopAndCheckFiles };
}

const until = async (what: string, condition: () => Promise<boolean>) => {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 600) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The lines of the server's output that match, without colours. */
const linesOf = (output: string, pattern: RegExp) =>
  output
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => pattern.test(line));

onSmallDisks('a full disk under the server', () => {
  beforeAll(() => ensureBuilt());
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const { child } of running) {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('refuses what does not fit with STORE_UNAVAILABLE, stays up, leaves nothing half-written, and recovers when space is freed', async () => {
    const disk = smallDisk('everything')!;
    const dataDir = join(disk, 'data');
    seedDemo(dataDir);
    const api = await serve(dataDir);
    running.push(api.server);
    const filler = fill(disk, 1500 * 1024);

    const refused = (o: Outcome) => o.code === 'STORE_UNAVAILABLE';
    const outcomes = await api.burst((so) => so.filter(refused).length >= 20);

    // Each one stored whole (acknowledged, or stored and not shown yet), or refused whole, clearly.
    const stored = outcomes.filter((o) => o.code === undefined || o.code === 'READ_MODEL_LAGGING');
    expect(outcomes.filter((o) => !stored.includes(o) && !refused(o))).toEqual([]);
    expect(stored.length).toBeGreaterThan(0);
    for (const o of outcomes.filter(refused)) {
      expect(o.reason).toBe('DISK_FULL');
      expect(o.message).toMatch(/disk is full, and nothing of it was written/);
    }

    // The server stays up and says what is wrong; it is not ready while it cannot store.
    expect(await api.status('/health/live')).toBe(200);
    expect(await api.status('/health/ready')).toBe(503);

    // Space returns: the next changes are stored, without a restart.
    rmSync(filler);
    await api.recovered();
    const after = await Promise.all(Array.from({ length: 4 }, (_, client) => api.submit(client)));
    expect(after.filter((o) => o.code !== undefined)).toEqual([]);
    // The hot measure's state in the server (cached by its command path) is what is stored:
    // a report based on the version the read models show is accepted as it stands.
    const hot = await api.gql('{ measure(id: "m-01") { version lastProgressNote } }');
    const { version, lastProgressNote } = hot.data?.measure as {
      version: number;
      lastProgressNote: string;
    };
    const lastReport = await api.report(version);
    expect(lastReport.code).toBeUndefined();

    // What was stored is shown; what was refused is nowhere.
    const storedProposals = [...stored, ...after].filter((o) => o.kind === 'proposal');
    const refusedProposals = outcomes.filter((o) => refused(o) && o.kind === 'proposal');
    expect(await api.shown(storedProposals)).toEqual(storedProposals.map(() => 'shown'));
    expect(await api.shown(refusedProposals)).toEqual(refusedProposals.map(() => 'NOT_FOUND'));

    // The log says it as a fault of the server once per time the disk filled up (not per
    // refused append), and each time that it is over; no stacks. At the edge of a full disk
    // a small append may still fit between refused ones: a second episode, said as such.
    const output = api.server.output();
    const episodes = linesOf(
      output,
      /"level":"error".*The disk is full: appends to .* are refused|Appends are stored again: space was freed/,
    ).map((line) => (/The disk is full/.test(line) ? 'full' : 'again'));
    expect(episodes.length).toBeGreaterThanOrEqual(2);
    expect(episodes.length).toBeLessThanOrEqual(6);
    expect(episodes).toEqual(episodes.map((_, i) => (i % 2 === 0 ? 'full' : 'again')));
    expect(output).not.toMatch(/\n\s+at |Internal server error|INTERNAL_SERVER_ERROR/);

    const inLog = await api.stopAndCheckFiles();
    for (const o of refusedProposals) expect(inLog.proposals).not.toContain(o.id);
    const reports = (which: (o: Outcome) => boolean) =>
      outcomes.filter((o) => o.kind === 'progress' && which(o)).map((o) => o.id);
    expect(reports(refused).length + reports((o) => stored.includes(o)).length).toBeGreaterThan(0);
    for (const note of reports(refused)) expect(inLog.notes).not.toContain(note);
    for (const note of reports((o) => stored.includes(o))) expect(inLog.notes).toContain(note);
    expect(inLog.notes.slice(-2)).toEqual([lastProgressNote, lastReport.id]);
    expect(inLog.hotStreamEvents).toBe(version + 2);
  }, 120_000);

  it('when only the read models cannot store: changes are stored and answered READ_MODEL_LAGGING, and the read models catch up once space is freed', async () => {
    const dataDir = mkdtempSync(join(disks, 'events-with-room-'));
    seedDemo(dataDir);
    // The read models' file on a small disk of its own (SQLite follows the link).
    const disk = smallDisk('read-models')!;
    cpSync(join(dataDir, 'read-models.sqlite'), join(disk, 'read-models.sqlite'));
    rmSync(join(dataDir, 'read-models.sqlite'));
    symlinkSync(join(disk, 'read-models.sqlite'), join(dataDir, 'read-models.sqlite'));
    const api = await serve(dataDir);
    running.push(api.server);
    const filler = fill(disk, 300 * 1024);

    const lagging = (o: Outcome) => o.code === 'READ_MODEL_LAGGING' && o.reason === 'DISK_FULL';
    const outcomes = await api.burst((so) => so.filter(lagging).length >= 20);
    expect(outcomes.filter((o) => o.code !== undefined && o.code !== 'READ_MODEL_LAGGING')).toEqual(
      [],
    );
    for (const o of outcomes.filter(lagging))
      expect(o.message).toMatch(/was stored .* read models cannot store it now: the disk is full/);
    expect(await api.status('/health/live')).toBe(200);
    expect(await api.status('/health/ready')).toBe(503);

    rmSync(filler);
    await api.recovered();
    const proposals = outcomes.filter((o) => o.kind === 'proposal');
    expect(await api.shown(proposals)).toEqual(proposals.map(() => 'shown'));
    const hot = await api.gql('{ measure(id: "m-01") { lastProgressNote } }');
    const output = api.server.output();
    expect(
      linesOf(output, /"level":"error".*read-models cannot store what it applies/),
    ).toHaveLength(1);
    expect(linesOf(output, /read-models stores again/)).toHaveLength(1);
    expect(output).not.toMatch(/\n\s+at |Internal server error|INTERNAL_SERVER_ERROR/);
    const inLog = await api.stopAndCheckFiles();
    expect(inLog.notes).toEqual(
      expect.arrayContaining(outcomes.filter((o) => o.kind === 'progress').map((o) => o.id)),
    );
    expect(inLog.notes.at(-1)).toBe(
      (hot.data?.measure as { lastProgressNote: string }).lastProgressNote,
    );
  }, 120_000);

  it('does not start on a full disk, and says so in one line', () => {
    const disk = smallDisk('full-at-start')!;
    const dataDir = join(disk, 'data');
    seedDemo(dataDir);
    fill(disk, 100 * 1024);
    const result = spawnSync(process.execPath, [main], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Cannot start: DATA_DIR '.*' is on a full disk \(\d+ kB free, at least 1024 kB needed to store events and read models\); free some space and start again$/,
      ),
    ]);
  });
});
