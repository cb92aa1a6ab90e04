/** How long a piece of work may hold the thread before others get their turn. */
export const SLICE_MS = 5;

const waiting: Array<() => void> = [];
let sliceStarted = -Infinity;
let scheduled = false;

/**
 * The thread, shared in slices by the work of every request: a request about to do a piece
 * of work (parse a document, read a page, write part of an answer) awaits its slice first.
 * Within the current slice it goes on at once; after it, it waits in line, and the line
 * moves one piece of work per turn of the event loop, so that between any two pieces the
 * server takes in new requests and answers health checks. However many requests arrive at
 * once, none waits for more than the pieces of work ahead of it, and no turn of the event
 * loop runs more than one slice of queued work. (Each request slicing its own work alone
 * lets fifty requests each take their slice in the same turn.)
 */
export function nextSlice(): Promise<void> | undefined {
  if (waiting.length === 0 && performance.now() - sliceStarted < SLICE_MS) return undefined;
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(letNextIn);
    }
  });
}

function letNextIn(): void {
  sliceStarted = performance.now();
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(letNextIn);
  else scheduled = false;
}
