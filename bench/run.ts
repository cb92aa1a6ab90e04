import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { appendBenchmarks } from './appends.bench.js';
import { commandPathBenchmarks } from './command-path.bench.js';
import { rebuildBenchmarks } from './rebuild.bench.js';
import { graphqlBenchmarks } from './graphql.bench.js';
import { printTable, writeResults, type Figures } from './lib/figures.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const suites: Array<[string, (quick: boolean) => Promise<Figures>]> = [
  ['appends', appendBenchmarks],
  ['commands', commandPathBenchmarks],
  ['rebuild', rebuildBenchmarks],
  ['graphql', graphqlBenchmarks],
];

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
