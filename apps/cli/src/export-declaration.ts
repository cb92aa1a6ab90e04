import { createWriteStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  ReadStore,
  ReadView,
  declarationDocument,
  declarationMarkdown,
  declarationPdf,
  type GqlContext,
} from '@ml/masterplan';
import { existingEventStoreConfig } from './existing-store.js';

export const EXPORT_DECLARATION_USAGE = `export-declaration --declaration <id> --format md|pdf [--out <file>]
                        a joint declaration with its signatories, roadmap and the masterplan's
                        commitments, as Markdown or PDF`;

/** Writes a joint declaration as Markdown or PDF, to a file or stdout. */
export async function exportDeclaration(args: string[]): Promise<void> {
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
  const config = existingEventStoreConfig();
  const file = ReadStore.fileIn(config.dataDir);
  if (!existsSync(file))
    throw new Error(`DATA_DIR '${config.dataDir}' holds no read models yet; start the server once`);
  const store = new ReadStore(file);
  try {
    const ctx = { user: null, correlationId: '' } as unknown as GqlContext;
    ctx.view = new ReadView(store, undefined, ctx);
    const doc = await declarationDocument(ctx.view, values.declaration);
    await pipeline(
      values.format === 'pdf' ? declarationPdf(doc) : Readable.from([declarationMarkdown(doc)]),
      values.out ? createWriteStream(values.out) : process.stdout,
    );
  } finally {
    store.close();
  }
}
