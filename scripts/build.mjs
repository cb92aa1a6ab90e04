/**
 * Builds dist/ (`npm run compile`: tsc and tsc-alias) and records a hash of what it was built
 * from. With --if-changed, builds only when the sources differ from that record, so `npm
 * start` and the CLI scripts do not rebuild needlessly. A lock file in dist/ lets one build
 * run at a time: a second start in the same checkout waits for the first one's build, then
 * finds dist/ current. Nothing is written to stdout (a token printed after it stays alone).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// npm runs scripts in the package's root.
const root = process.cwd();
const SOURCES = [
  'apps',
  'libs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
const dist = join(root, 'dist');
const record = join(dist, '.sources.sha256');
const lock = join(dist, '.build.lock');

function sourcesHash() {
  const hash = createHash('sha256');
  const add = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
      return;
    }
    hash.update(`${relative(root, path)}\0`);
    hash.update(readFileSync(path));
  };
  for (const source of SOURCES) add(join(root, source));
  return hash.digest('hex');
}

const current = () => existsSync(record) && readFileSync(record, 'utf8') === sourcesHash();

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/** Takes the lock, waiting while another process builds; a dead holder's lock is taken over. */
async function takeLock() {
  mkdirSync(dist, { recursive: true });
  let said = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
    } catch {
      continue;
    }
    // An empty lock is one being written this instant.
    if (holder > 0 && !alive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (!said) console.error(`Waiting for the build of process ${holder || 'starting'} to finish`);
    said = true;
    await sleep(100);
  }
}

const ifChanged = process.argv.includes('--if-changed');
if (ifChanged && current()) process.exit(0);
await takeLock();
process.on('exit', () => rmSync(lock, { force: true }));
if (ifChanged && current()) process.exit(0);
const hash = sourcesHash();
if (ifChanged) console.error('Building dist/: the sources changed since the last build');
rmSync(record, { force: true });
const compile = spawnSync('npm', ['run', '--silent', 'compile'], {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
});
if (compile.status !== 0) process.exit(compile.status ?? 1);
writeFileSync(record, hash);
