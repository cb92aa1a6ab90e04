import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { loadConfiguration } from '@ml/config';
import { createApp } from './bootstrap.js';

/** The schema clients see, printed; `schema.graphql` at the repository root is this text. */
export async function currentSchema(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ml-schema-'));
  const app = await createApp({
    // The schema is the same whatever the environment says.
    configuration: loadConfiguration({ LOG_LEVEL: 'silent' }),
    eventStore: {
      engine: 'sqlite',
      dataDir,
      file: join(dataDir, 'events.sqlite'),
      durability: 'NORMAL',
    },
  });
  try {
    await app.init();
    return `${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('print-schema.js')) {
  writeFileSync(join(process.cwd(), 'schema.graphql'), await currentSchema());
  console.log('Wrote schema.graphql');
}
