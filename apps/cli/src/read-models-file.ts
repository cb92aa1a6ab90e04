import { existsSync, rmSync } from 'node:fs';
import { openExclusively } from '@ml/event-store';
import { ReadStore } from '@ml/masterplan';

/**
 * Removes this instance's read models, for the server to rebuild them from the log at its
 * next start (after the log was replaced, or when it moves to another engine). Refused with
 * `StoreInUse` while a process has them open.
 */
export function removeReadModels(dataDir: string): boolean {
  const file = ReadStore.fileIn(dataDir);
  if (!existsSync(file)) return false;
  openExclusively(file).close();
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  return true;
}
