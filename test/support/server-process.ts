import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    let listening = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (listening) return;
      const match = /serving GraphQL at (http:\/\/[^\s"]+)\/graphql/.exec(output);
      if (match) {
        listening = true;
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onData(chunk);
    });
    child.stderr!.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`server exited with ${code} before listening:\n${output}`)),
    );
  });
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

export function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}
