import autocannon from 'autocannon';
import { issueToken, loadOrCreateSigningKey } from '@ml/auth';
import { BENCH_MASTERPLAN, actorId, measureId, repOf } from './dataset.js';

/**
 * The mutation load: 50 connections, each a representative of its own actor, declaring
 * commitments to one measure after another of `measures`. As clients send them: one
 * document, the values in variables (so it is parsed once).
 */
export async function declareCommitmentLoad(
  url: string,
  dataDir: string,
  measures: number,
  seconds: number,
): Promise<{ result: autocannon.Result; errors: number }> {
  const key = await loadOrCreateSigningKey(dataDir);
  const tokens = await Promise.all(
    Array.from({ length: 50 }, (_, i) => issueToken(key, { userId: repOf(i), roles: [] })),
  );
  const declare = (i: number, n: number) =>
    JSON.stringify({
      query:
        'mutation Declare($input: DeclareCommitmentInput!) { declareCommitment(input: $input) { version position } }',
      variables: {
        input: {
          actorId: actorId(i),
          masterplanId: BENCH_MASTERPLAN,
          measureId: measureId((i * 20 + n) % measures),
          statement: `Benchmark commitment ${n}`,
        },
      },
    });
  let clientIndex = 0;
  let errors = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 50,
    duration: seconds,
    setupClient: (client) => {
      const i = clientIndex++;
      let n = 0;
      client.setHeadersAndBody(
        { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
        declare(i, n),
      );
      client.on('body', (b: Buffer) => {
        if (!b.includes('"errors"')) return;
        if (errors++ === 0)
          process.stderr.write(`first mutation error: ${b.toString().slice(0, 400)}\n`);
      });
      client.on('response', () => client.setBody(declare(i, ++n)));
    },
  });
  return { result, errors };
}
