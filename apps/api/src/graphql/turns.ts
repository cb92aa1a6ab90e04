/** Taking turns: how many at once, and how many in a window of time. */

/** Raised when a gate's queue is full. */
export class GateFull extends Error {}

/** Runs at most `max` tasks at once; up to `maxQueued` more wait their turn, in order. */
export class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  /** Waits for a turn (GateFull when too many wait); the function returned ends it. */
  async enter(): Promise<() => void> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) throw new GateFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }

  async run<T>(task: () => T | Promise<T>): Promise<T> {
    const leave = await this.enter();
    try {
      return await task();
    } finally {
      leave();
    }
  }
}

/** Counts per key in fixed windows: `take` answers how long to wait when the key is over. */
export class FixedWindow {
  private readonly counts = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Takes `count` from the key's window, or answers how long to wait (taking nothing). */
  take(key: string, now = Date.now(), count = 1): number | undefined {
    if (this.max <= 0) return undefined;
    let window = this.counts.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.counts.size >= MAX_KEYS) this.sweep(now);
      // Renewed windows go to the end, so the oldest come first when making room.
      this.counts.delete(key);
      this.counts.set(key, (window = { start: now, count: 0 }));
    }
    if (window.count + count > this.max) return window.start + this.windowMs - now;
    window.count += count;
    return undefined;
  }

  /**
   * Makes room: forgets ended windows first, then those still far from their limit (a
   * flood from very many addresses is such), and only then the oldest. Forgetting a key
   * gives it a fresh window, so keys held back at their limit are forgotten last.
   */
  private sweep(now: number): void {
    const room = MAX_KEYS * 0.9;
    const passes: Array<(window: { start: number; count: number }) => boolean> = [
      (window) => now - window.start >= this.windowMs,
      (window) => window.count < this.max / 2,
      () => true,
    ];
    for (const forget of passes)
      for (const [key, window] of this.counts) {
        if (this.counts.size < room) return;
        if (forget(window)) this.counts.delete(key);
      }
  }
}

/** The most keys a window remembers at once. */
const MAX_KEYS = 100_000;
