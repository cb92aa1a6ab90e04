/**
 * A progress line on stderr (stdout stays for what a verb prints): how far, out of how
 * many, and how fast. Call it with each count; `done` ends the line.
 */
export function progressLine(total: number, unit: string) {
  const started = Date.now();
  const show = (count: number) => {
    const seconds = (Date.now() - started) / 1000;
    const share = total === 0 ? 1 : Math.min(1, count / total);
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    process.stderr.write(
      `\r[${bar}] ${count}/${total} ${unit}  ${Math.round(count / Math.max(seconds, 0.001))} ${unit}/s   `,
    );
  };
  const end = () => process.stderr.write('\n');
  return {
    show,
    seconds: () => (Date.now() - started) / 1000,
    /** Ends the line where it stands (after an error, say). */
    end,
    /** Shows the last count and ends the line. */
    done: (count: number) => {
      show(count);
      end();
    },
  };
}
