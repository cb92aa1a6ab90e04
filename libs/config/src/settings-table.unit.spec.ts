import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTable } from './configuration.js';

const operations = join(import.meta.dirname, '..', '..', '..', 'docs', 'operations.md');

describe('the settings table of docs/operations.md', () => {
  it('is the table the schema makes: every setting, its default, what it takes and means', () => {
    const text = readFileSync(operations, 'utf8');
    const start = text.indexOf('| variable | default | takes | meaning |');
    expect(start).toBeGreaterThan(-1);
    const end = text.indexOf('\n\n', start);
    // On a difference, the expected side is the table to paste into docs/operations.md.
    expect(text.slice(start, end === -1 ? undefined : end)).toBe(settingsTable());
  });
});
