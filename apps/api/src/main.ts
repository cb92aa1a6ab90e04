import 'reflect-metadata';
import { ConfigurationError, eventStoreConfigFromEnv } from '@ml/event-store';
import { createApp } from './bootstrap.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigurationError(`PORT must be a port number, not '${process.env.PORT}'`);
  }
  const eventStore = eventStoreConfigFromEnv();
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
  } else {
    console.error(error);
  }
  process.exit(1);
});
