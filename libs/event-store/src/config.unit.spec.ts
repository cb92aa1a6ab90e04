import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, eventStoreConfigFromEnv } from './config.js';

describe('SQLITE_WRITER', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ml-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits inline unless told to use a writer thread', () => {
    expect(eventStoreConfigFromEnv({ DATA_DIR: dir })).toMatchObject({ writer: 'inline' });
    expect(eventStoreConfigFromEnv({ DATA_DIR: dir, SQLITE_WRITER: 'Thread' })).toMatchObject({
      writer: 'thread',
    });
  });

  it('refuses anything else, saying which values it takes', () => {
    expect(() => eventStoreConfigFromEnv({ DATA_DIR: dir, SQLITE_WRITER: 'worker' })).toThrow(
      new ConfigurationError("SQLITE_WRITER must be one of inline, thread, not 'worker'"),
    );
  });
});
