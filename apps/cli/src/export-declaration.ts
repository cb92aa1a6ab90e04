import type { Configuration } from '@ml/config';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  ReadView,
  declarationDocument,
  declarationMarkdown,
  declarationPdf,
  withCheckpoint,
  type GqlContext,
} from '@ml/masterplan';
import { existingEventStoreConfig } from './existing-store.js';
import { openReadModels } from './read-models-file.js';
import { latestCheckpoints } from '@ml/auth';
import { openEventStore } from '@ml/event-store';

/** Writes a joint declaration as Markdown or PDF, to a file or stdout. */
export async function exportDeclaration(
  args: string[],
  configuration: Configuration,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      declaration: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.declaration) throw new Error('Name the declaration: --declaration <id>');
  if (values.format !== 'md' && values.format !== 'pdf')
    throw new Error('Name the format: --format md or pdf');
  const config = existingEventStoreConfig(configuration);
  const store = openReadModels(config.dataDir);
  try {
    const ctx = { user: null, correlationId: '' } as unknown as GqlContext;
    ctx.view = new ReadView(store, undefined, ctx);
    const events = openEventStore(config);
    let doc;
    try {
      doc = withCheckpoint(
        await declarationDocument(ctx.view, values.declaration),
        (await latestCheckpoints(events, 1))[0],
      );
    } finally {
      await events.close();
    }
    await pipeline(
      values.format === 'pdf' ? declarationPdf(doc) : Readable.from([declarationMarkdown(doc)]),
      values.out ? createWriteStream(values.out) : process.stdout,
    );
  } finally {
    store.close();
  }
}
