import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import {
  ConfigurationError,
  assertRoomToWrite,
  eventStoreConfigFromEnv,
  isDiskFull,
} from '@ml/event-store';
import { readYourWritesMsFromEnv } from '@ml/masterplan';
import { createApp } from './bootstrap.js';

/**
 * V8 lets the heap grow by up to 4× its live size between full collections, so answers built
 * and dropped one after another (10,000-measure past views) held 650 MB where 70 MB were
 * live. Growing by a fifth each time keeps the server near what it uses (about 200 MB over
 * the same queries, measured; bench/graphql.bench.ts), at no measured cost in speed; unlike
 * a hard heap limit, a request that needs more still gets it.
 */
setFlagsFromString('--heap-growing-percent=20');

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigurationError(`PORT must be a port number, not '${process.env.PORT}'`);
  }
  const eventStore = eventStoreConfigFromEnv();
  assertRoomToWrite(eventStore.dataDir);
  readYourWritesMsFromEnv();
  const app = await createApp({ eventStore });
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  console.log(`Masterplan Ledger serving GraphQL at ${await app.getUrl()}/graphql`);
  // Said here, for the operator, and not in the public health answer.
  console.log(
    eventStore.engine === 'sqlite'
      ? `Events in ${eventStore.file}; read models and keys in ${eventStore.dataDir}`
      : `Events in EventStoreDB; read models and keys in ${eventStore.dataDir}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(`Cannot start: ${error.message}`);
  } else if (isDiskFull(error)) {
    console.error(`Cannot start: the disk of DATA_DIR is full (${(error as Error).message})`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
