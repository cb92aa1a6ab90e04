import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfiguration } from '@ml/config';
import { checkListenAddress, listenRefusal } from './service/listen-address.js';
import { isDiskFull } from '@ml/event-store';

/**
 * V8 lets the heap grow by up to 4× its live size between full collections, so answers built
 * and dropped one after another (10,000-measure past views) held 650 MB where 70 MB were
 * live. Growing by a fifth each time keeps the server near what it uses (about 200 MB over
 * the same queries, measured; bench/graphql.bench.ts), at no measured cost in speed; unlike
 * a hard heap limit, a request that needs more still gets it.
 */
setFlagsFromString('--heap-growing-percent=20');

async function main(): Promise<void> {
  // Every setting is checked, and the address tried, before anything is opened or written.
  const configuration = loadConfiguration();
  const { PORT, HOST } = configuration;
  await checkListenAddress(PORT, HOST);
  // Loaded once the settings are known to be good, so that a refusal comes at once.
  const [
    { eventStoreConfigOf, assertRoomToWrite },
    { createApp },
    { stopOnSignals },
    { loadOrCreateSigningKey },
  ] = await Promise.all([
    import('@ml/event-store'),
    import('./bootstrap.js'),
    import('./service/graceful-shutdown.js'),
    import('@ml/auth'),
  ]);
  const eventStore = eventStoreConfigOf(configuration);
  assertRoomToWrite(eventStore.dataDir);
  // Made or read here first, so that an unusable JWT_PRIVATE_KEY_FILE stops the start in one line.
  await loadOrCreateSigningKey(eventStore.dataDir, configuration.JWT_PRIVATE_KEY_FILE);
  const app = await createApp({ configuration, eventStore });
  stopOnSignals(app, configuration.SHUTDOWN_GRACE_MS);
  try {
    await app.listen(PORT, HOST);
  } catch (error) {
    throw listenRefusal(error as NodeJS.ErrnoException, PORT, HOST) ?? error;
  }
  const logger = new Logger('Server');
  logger.log(`Masterplan Ledger serving GraphQL at ${await app.getUrl()}/graphql`);
  // Said here, for the operator, and not in the public health answer.
  logger.log(
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
