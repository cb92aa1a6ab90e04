import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { appendBenchmarks } from './appends.bench.js';
import { commandPathBenchmarks } from './command-path.bench.js';
import { rebuildBenchmarks } from './rebuild.bench.js';
import { graphqlBenchmarks } from './graphql.bench.js';
import { floodBenchmarks } from './flood.bench.js';
import { printTable, writeResults, type Figures } from './lib/figures.js';

const suites: Array<[string, (quick: boolean) => Promise<Figures>]> = [
  ['appends', appendBenchmarks],
  ['commands', commandPathBenchmarks],
  ['rebuild', rebuildBenchmarks],
  ['graphql', graphqlBenchmarks],
  ['flood', floodBenchmarks],
];
const names = suites.map(([name]) => name);
const usage = `npm run bench -- [--quick] [--only=${names.join(',')}]

Runs the benchmarks and prints each figure beside its baseline, measured in the same run
(full mode writes logs of 1,000,000 events and takes some 15 minutes, the flood alone 4;
--quick, a few minutes).
Results are written to bench/results/. What each figure means: docs/benchmarks.md.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const wrong = [
  ...args.filter((a) => a !== '--quick' && !a.startsWith('--only=')),
  ...(only?.split(',').filter((name) => !names.includes(name)) ?? []),
];
if (wrong.length > 0) {
  console.error(`Not understood: ${wrong.join(' ')}\n\n${usage}`);
  process.exit(2);
}

const figures: Figures = {};
const started = Date.now();
for (const [name, suite] of suites) {
  if (only && !only.split(',').includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  Object.assign(figures, await suite(quick));
}
console.log(
  `\nMasterplan Ledger benchmarks (${quick ? 'quick' : 'full'} mode), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
printTable(figures);
const file = writeResults(figures, {
  mode: quick ? 'quick' : 'full',
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  seconds: Math.round((Date.now() - started) / 1000),
});
console.log(`\nwrote ${file} in ${Math.round((Date.now() - started) / 1000)} s`);
