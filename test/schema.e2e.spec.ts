import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentSchema } from '../apps/api/src/print-schema.js';

describe('the committed schema', () => {
  it('is the schema the server serves (regenerate with `npm run schema:print`)', async () => {
    const committed = readFileSync(join(import.meta.dirname, '..', 'schema.graphql'), 'utf8');
    expect(await currentSchema()).toBe(committed);
  });
});
