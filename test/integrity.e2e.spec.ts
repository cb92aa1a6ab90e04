import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataOf, startApp, type RunningApp } from './support/app.js';

const VERIFY = `{ verifyAuditTrail { verified events unlinkedEvents headPosition headHash
  firstBreak { position eventId eventType streamId revision problem } } }`;

interface Verification {
  verified: boolean;
  events: number;
  headPosition: string | null;
  headHash: string | null;
  firstBreak: { position: string; eventType: string; problem: string } | null;
}

/** Tamper evidence end to end: the chain verified, the head signed and checked elsewhere. */
describe('an audit you can prove', () => {
  let dir: string;
  let running: RunningApp;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-integrity-'));
    running = await startApp(dir);
    admin = await running.token('fb02.wolf', { administrator: true });
    for (const [actorId, name] of [
      ['ihk', 'IHK Aachen'],
      ['dgb', 'DGB'],
      ['hwk', 'Handwerkskammer'],
    ])
      dataOf(
        await running.gql(
          `mutation { registerActor(input: { actorId: "${actorId}", name: "${name}", kind: CHAMBER }) { version } }`,
          {},
          admin,
        ),
      );
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies an untouched log, for administrators only', async () => {
    const clean = dataOf(await running.gql<{ verifyAuditTrail: Verification }>(VERIFY, {}, admin));
    expect(clean.verifyAuditTrail).toMatchObject({ verified: true, firstBreak: null });
    expect(clean.verifyAuditTrail.events).toBeGreaterThanOrEqual(6);
    expect(clean.verifyAuditTrail.headHash).toMatch(/^[0-9a-f]{64}$/);
    const anonymous = await running.gql(VERIFY);
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const user = await running.gql(VERIFY, {}, await running.token('somebody'));
    expect(user.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('signs the head of the log, and the signature holds with the public key alone, outside the app', async () => {
    const signed = dataOf(
      await running.gql<{
        signAuditCheckpoint: { position: string; logHash: string; jws: string; keyId: string };
      }>('mutation { signAuditCheckpoint { position logHash jws keyId recordedAt } }', {}, admin),
    ).signAuditCheckpoint;
    const verified = dataOf(
      await running.gql<{ verifyAuditTrail: Verification }>(VERIFY, {}, admin),
    ).verifyAuditTrail;
    // The checkpoint is appended after the head it signs, and chained like any event.
    expect(verified.verified).toBe(true);
    expect(signed.position < verified.headPosition!).toBe(true);

    const listed = dataOf(
      await running.gql<{ auditCheckpoints: Array<{ jws: string }> }>(
        '{ auditCheckpoints(last: 1) { jws } }',
      ),
    ).auditCheckpoints;
    expect(listed).toEqual([{ jws: signed.jws }]);

    const jwks = await (
      await fetch(running.url.replace(/\/graphql$/, '/.well-known/jwks.json'))
    ).json();
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const script = join(import.meta.dirname, '..', 'docs', 'verify-checkpoint.mjs');
    const check = (jws: string) =>
      spawnSync(process.execPath, [script, jwksFile, jws], { encoding: 'utf8' });
    const good = check(signed.jws);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      iss: 'masterplan-ledger',
      position: signed.position,
      logHash: signed.logHash,
    });
    // A payload changed (another position) no longer holds.
    const [header, payload, signature] = signed.jws.split('.');
    const forged = Buffer.from(
      Buffer.from(payload!, 'base64url').toString().replace(signed.position, '0000000000000001'),
    ).toString('base64url');
    const bad = check(`${header}.${forged}.${signature}`);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('The signature does not hold');
    // Wrong inputs: one line saying what is wrong, no stack.
    const garbage = check('abc.def.ghi');
    expect(garbage.status).toBe(1);
    expect(garbage.stderr.trim()).toBe(
      'Not a compact JWS: its header is not base64url-encoded JSON',
    );
    const noKeys = spawnSync(process.execPath, [script, join(dir, 'missing.json'), signed.jws], {
      encoding: 'utf8',
    });
    expect(noKeys.status).toBe(1);
    expect(noKeys.stderr).toMatch(/^Cannot read the key set .*missing\.json: ENOENT/);
    expect(noKeys.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to rebuild read models a running server uses', () => {
    const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const rebuild = spawnSync(
      process.execPath,
      [cli, 'rebuild-projections', '--read-model', 'audit'],
      {
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      },
    );
    expect(rebuild.status).toBe(1);
    expect(rebuild.stderr).toContain(
      'is in use by another process (a running server?); stop it first',
    );
  });

  it('names the first broken link after the SQLite file was edited behind its back', async () => {
    await running.close();
    const db = new Database(join(dir, 'events.sqlite'));
    const target = db
      .prepare(
        "SELECT position FROM events WHERE type = 'ActorRegistered' ORDER BY position LIMIT 1 OFFSET 1",
      )
      .get() as { position: number };
    db.prepare(
      "UPDATE events SET data = json_set(data, '$.name', 'Someone else') WHERE position = ?",
    ).run(target.position);
    db.close();
    running = await startApp(dir);
    const broken = dataOf(
      await running.gql<{ verifyAuditTrail: Verification }>(VERIFY, {}, admin),
    ).verifyAuditTrail;
    expect(broken.verified).toBe(false);
    expect(broken.firstBreak).toMatchObject({
      position: String(target.position).padStart(16, '0'),
      eventType: 'ActorRegistered',
      problem: expect.stringContaining('its data, type or metadata were changed'),
    });
    // The CLI says the same, and fails.
    const cli = join(import.meta.dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const verify = spawnSync(process.execPath, [cli, 'verify'], {
      env: { ...process.env, DATA_DIR: dir },
      encoding: 'utf8',
    });
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(
      `The chain breaks at position ${String(target.position).padStart(16, '0')}`,
    );
  });
});
