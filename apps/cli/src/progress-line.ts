/**
 * A progress bar on one line of stderr, redrawn in place, for verbs that go through the log:
 * `[#########.....................] 1200/5000 events  900 events/s`.
 */
export function progressLine(total: number): { show(done: number): void; end(): void } {
  const started = Date.now();
  return {
    show(done) {
      const seconds = (Date.now() - started) / 1000;
      const share = total === 0 ? 1 : done / total;
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
      process.stderr.write(
        `\r[${bar}] ${done}/${total} events  ${Math.round(done / Math.max(seconds, 0.001))} events/s   `,
      );
    },
    end() {
      process.stderr.write('\n');
    },
  };
}
