import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../../test/support/server-process.js';

/** The peak resident memory (VmHWM) of a running process, in MB; 0 once it is gone. */
export const peakRssMb = (pid: number) => memoryMb(pid, 'VmHWM');

/** The resident memory (VmRSS) of a running process now, in MB; 0 once it is gone. */
export const rssMb = (pid: number) => memoryMb(pid, 'VmRSS');

function memoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a command to its end, watching its peak memory; returns its output. */
export async function runWatched(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ output: string; peakMb: number; code: number | null }> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let peakMb = 0;
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child.pid!))), 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  return { output, peakMb, code };
}

/**
 * A built server (`main.js`) in its own process on `dir`, once it answers. It logs as in
 * production (JSON at info, a line per request), to /dev/null.
 */
export async function startServer(
  main: string,
  dir: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, main], {
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited with ${exited}`);
    try {
      if ((await fetch(`${base}/health/live`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url: `${base}/graphql` };
}
