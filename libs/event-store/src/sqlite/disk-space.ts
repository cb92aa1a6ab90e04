import { statfsSync } from 'node:fs';

/**
 * The free space the embedded store wants before it starts, and before health calls a store
 * whose disk was full writable again: a few hundred appends' worth of write-ahead log.
 */
export const ROOM_TO_WRITE = 1024 * 1024;

/** Bytes an unprivileged process may still write in the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

export const inKilobytes = (bytes: number) => `${Math.floor(bytes / 1024)} kB`;
