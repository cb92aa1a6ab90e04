import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

/** The server as users run it: the built `main.js` in its own process. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Standard output and error as written so far. */
  output(): string;
  /** The complete lines of standard output so far, each parsed as the JSON object it must be. */
  logLines(): LogLine[];
}

/** One line of the server's log (LOG_FORMAT=json, the default when not on a terminal). */
export type LogLine = Record<string, unknown> & { level: string; msg: string; time: string };

export function ensureBuilt(): void {
  if (!existsSync(main)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

/** A port nobody listens on now (the server is told it, so no log line need say it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server on a free port (or `env.PORT`) and resolves once it answers: found by
 * its port, not by a log line, since LOG_LEVEL may silence that. A port another process
 * took in between is tried again with another.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  ensureBuilt();
  for (let attempt = 1; ; attempt++) {
    const port = env.PORT ?? String(await freePort());
    const child = spawn(process.execPath, [main], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    const answered = await new Promise<boolean>((resolve, reject) => {
      let exited = false;
      child.once('exit', (code) => {
        exited = true;
        if (/EADDRINUSE/.test(output) && attempt < 3 && env.PORT === undefined) resolve(false);
        else reject(new Error(`server exited with ${code} before listening:\n${output}`));
      });
      const poll = async () => {
        while (!exited) {
          try {
            if ((await fetch(`${url}/health/live`)).ok) return resolve(true);
          } catch {
            // Not listening yet.
          }
          await new Promise((wait) => setTimeout(wait, 50));
        }
      };
      void poll();
    });
    if (!answered) continue;
    return {
      child,
      url,
      output: () => output,
      logLines: () =>
        stdout
          .split('\n')
          .slice(0, -1)
          .map((line) => {
            try {
              return JSON.parse(line) as LogLine;
            } catch {
              throw new Error(`The server wrote a line that is not JSON: ${line}`);
            }
          }),
    };
  }
}

export function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}
