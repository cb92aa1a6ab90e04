import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const child = (phase: string, dir: string) =>
  spawnSync(
    process.execPath,
    [
      '--import',
      '@swc-node/register/esm-register',
      join(import.meta.dirname, 'fixtures', 'reaction-crash.ts'),
      phase,
      dir,
    ],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );

describe('reactions across a crash', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-reactions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a crash between the append and the reaction loses nothing: the reaction happens exactly once after restart', () => {
    const crashed = child('accept-and-crash', dir);
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stdout).toMatch(/^accepted \d+/);

    const first = child('restart', dir);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('measures-defined 1');

    // Restarting again resumes after the saved checkpoint: nothing happens twice.
    expect(child('restart', dir).stdout.trim()).toBe('measures-defined 1');

    // Dying after the reaction's append but before its checkpoint: the reaction runs again
    // and is recognised as a repeat by its idempotency key.
    child('forget-checkpoint', dir);
    expect(child('restart', dir).stdout.trim()).toBe('measures-defined 1');
  });
});
