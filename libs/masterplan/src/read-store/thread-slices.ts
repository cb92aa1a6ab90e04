/** How long a piece of work may hold the thread while nobody waits for it. */
export const SLICE_MS = 5;
/**
 * How long queued pieces are let in one after another in one turn of the event loop: many
 * small ones (a cached answer, a small query) go together, a large one alone.
 */
export const TURN_MS = 1;

const waiting: Array<() => void> = [];
let sliceStarted = -Infinity;
let scheduled = false;

/**
 * The thread, shared in slices by the work of every request: a request about to do a piece
 * of work (parse a document, read a page, write part of an answer) awaits its slice first.
 * Within the current slice it goes on at once; after it, it waits in line. Each turn of the
 * event loop lets pieces in, in order, for about a millisecond (many small ones, or one
 * large one), and leaves the rest to the next turn, so that between them the server takes
 * in new requests and answers health checks. However many requests arrive at once, none waits for more than the pieces ahead of
 * it, and no turn of the event loop runs much more than one slice of queued work (each
 * request slicing its own work alone lets fifty requests each take a slice in one turn).
 */
export function nextSlice(): Promise<void> | undefined {
  if (waiting.length === 0 && performance.now() - sliceStarted < SLICE_MS) return undefined;
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(beginSlice);
    }
  });
}

function beginSlice(): void {
  sliceStarted = performance.now();
  letNextIn();
}

function letNextIn(): void {
  const next = waiting.shift();
  if (!next) {
    scheduled = false;
    return;
  }
  next();
  // Queued after the piece just let in: runs once that piece's synchronous work is done.
  queueMicrotask(() => {
    if (waiting.length === 0) scheduled = false;
    else if (performance.now() - sliceStarted < TURN_MS) letNextIn();
    else setImmediate(beginSlice);
  });
}
