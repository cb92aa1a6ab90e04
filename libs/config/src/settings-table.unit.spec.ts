import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTable } from './configuration.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** The first settings table of a file: from its header row to the next blank line. */
function tableIn(file: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf('| variable | default | takes | meaning |');
  expect(start).toBeGreaterThan(-1);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end === -1 ? undefined : end);
}

// On a difference, the expected side is the table to paste into the file.
describe('the settings tables of the documentation', () => {
  it("docs/operations.md's is the table the schema makes: every setting, its default, what it takes and means", () => {
    expect(tableIn('docs/operations.md')).toBe(settingsTable());
  });

  it("the README's is every limit the schema has, with its default", () => {
    const table = tableIn('README.md');
    expect(table).toBe(
      settingsTable({ only: (name) => name.startsWith('LIMIT_'), linksFrom: 'root' }),
    );
    expect(table).toContain('| `LIMIT_QUERY_DEPTH` | `12` |');
  });
});
