import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured figure beside its baseline from the same run. */
export interface Figure {
  value: number;
  unit: string;
  baseline: number;
  /** What the baseline is. */
  baselineName: string;
  /** value / baseline. */
  ratio: number;
  /** The target, as text (e.g. "ratio ≥ 5"), and whether this run met it. */
  target?: string;
  met?: boolean;
}

export type Figures = Record<string, Figure>;

export function figure(
  value: number,
  unit: string,
  baseline: number,
  baselineName: string,
  target?: { text: string; met: (f: { value: number; ratio: number }) => boolean },
): Figure {
  const ratio = baseline === 0 ? 0 : value / baseline;
  const rounded = { value: round(value), ratio: round(ratio, 2) };
  return {
    value: rounded.value,
    unit,
    baseline: round(baseline),
    baselineName,
    ratio: rounded.ratio,
    ...(target ? { target: target.text, met: target.met({ value, ratio }) } : {}),
  };
}

export function round(n: number, digits = n >= 100 ? 0 : 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sortNumbers = (values: number[]) => [...values].sort((a, b) => a - b);

export const now = () => Number(process.hrtime.bigint()) / 1e6;

export function printTable(figures: Figures): void {
  const rows = Object.entries(figures).map(([name, f]) => [
    name,
    `${f.value} ${f.unit}`,
    `${f.baseline} (${f.baselineName})`,
    `${f.ratio}×`,
    f.target ? `${f.target}: ${f.met ? 'met' : 'MISSED'}` : '',
  ]);
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

export function writeResults(figures: Figures, meta: Record<string, unknown>): string {
  const dir = join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(file, `${JSON.stringify({ ...meta, figures }, null, 2)}\n`);
  return file;
}
