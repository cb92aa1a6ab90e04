import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** A built server (`main.js`) in its own process on `dir`, once it listens. */
export async function startServer(
  main: string,
  dir: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeFlags, main], {
    env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving GraphQL at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url };
}
