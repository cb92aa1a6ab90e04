import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(import.meta.dirname, '..', 'scripts', 'build.mjs');

/**
 * scripts/build.mjs in a checkout of its own whose `compile` records each run and, while a
 * file named `hold` exists, waits: two builds can be made to overlap for certain.
 */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ml-build-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'apps'));
  copyFileSync(script, join(dir, 'scripts', 'build.mjs'));
  writeFileSync(join(dir, 'apps', 'main.ts'), 'export const answer = 42;\n');
  writeFileSync(
    join(dir, 'compile.mjs'),
    `import { appendFileSync, existsSync } from 'node:fs';
appendFileSync('compiled.log', 'compiled\\n');
while (existsSync('hold')) await new Promise((resolve) => setTimeout(resolve, 20));
`,
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'checkout', private: true, scripts: { compile: 'node compile.mjs' } }),
  );
  return dir;
}

function build(dir: string, ...args: string[]) {
  const child = spawn(process.execPath, ['scripts/build.mjs', ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { done, stdout: () => stdout, stderr: () => stderr };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('building dist/ before a start (scripts/build.mjs)', () => {
  let dir: string;
  beforeEach(() => (dir = checkout()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const compilations = () =>
    existsSync(join(dir, 'compiled.log'))
      ? readFileSync(join(dir, 'compiled.log'), 'utf8').split('\n').filter(Boolean).length
      : 0;

  it('builds once for two starts at the same time, then not again until a source changes', async () => {
    writeFileSync(join(dir, 'hold'), '');
    const first = build(dir, '--if-changed');
    await until(() => compilations() === 1);
    const second = build(dir, '--if-changed');
    await until(() => second.stderr().includes('Waiting for the build of process'));
    rmSync(join(dir, 'hold'));
    expect(await first.done).toBe(0);
    expect(await second.done).toBe(0);
    expect(compilations()).toBe(1);
    // Nothing on stdout: what runs after it (a token) has stdout to itself.
    expect(first.stdout() + second.stdout()).toBe('');

    expect(await build(dir, '--if-changed').done).toBe(0);
    expect(compilations()).toBe(1);
    writeFileSync(join(dir, 'apps', 'main.ts'), 'export const answer = 43;\n');
    const changed = build(dir, '--if-changed');
    expect(await changed.done).toBe(0);
    expect(changed.stderr()).toContain('the sources changed since the last build');
    expect(compilations()).toBe(2);
    // `npm run build` always builds.
    expect(await build(dir).done).toBe(0);
    expect(compilations()).toBe(3);
    expect(existsSync(join(dir, 'dist', '.build.lock'))).toBe(false);
  });

  it('takes over the lock of a build that died, and builds again after a failed build', async () => {
    mkdirSync(join(dir, 'dist'));
    // A pid no process has: Linux's pid_max is at most 2^22.
    writeFileSync(join(dir, 'dist', '.build.lock'), String(2 ** 22 + 1));
    expect(await build(dir, '--if-changed').done).toBe(0);
    expect(compilations()).toBe(1);

    writeFileSync(join(dir, 'compile.mjs'), 'process.exit(3);\n');
    writeFileSync(join(dir, 'apps', 'main.ts'), 'export const answer = 44;\n');
    expect(await build(dir, '--if-changed').done).toBe(3);
    writeFileSync(
      join(dir, 'compile.mjs'),
      "import { appendFileSync } from 'node:fs';\nappendFileSync('compiled.log', 'compiled\\n');\n",
    );
    expect(await build(dir, '--if-changed').done).toBe(0);
    expect(compilations()).toBe(2);
  });
});
