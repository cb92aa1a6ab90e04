// Asks a URL over and over from two keep-alive connections for some seconds and prints the
// latencies (in ms, to the microsecond) as one JSON line. Run in a process of its own, so
// that what it measures is the server's answer, not a busy event loop of the benchmark's.
import { Agent, get } from 'node:http';

const [url, secondsText] = process.argv.slice(2) as [string, string];
const until = performance.now() + Number(secondsText) * 1000;
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
const latencies: number[] = [];
let failures = 0;

const once = () =>
  new Promise<void>((resolve) => {
    const started = performance.now();
    const request = get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode !== 200) failures++;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    request.on('error', () => {
      failures++;
      resolve();
    });
  });

const loop = async () => {
  while (performance.now() < until) await once();
};
await Promise.all([loop(), loop()]);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
console.log(
  JSON.stringify({
    count: latencies.length,
    failures,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: latencies.at(-1) ?? 0,
  }),
);
