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

describe('EVENTSTORE_CONNECTION_STRING', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ml-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the connection strings of EventStoreDB and of KurrentDB', () => {
    for (const connectionString of [
      'esdb://localhost:2113?tls=false',
      'kurrentdb://admin:changeit@n1:2113,n2:2113,n3:2113?tls=true',
      'kurrentdb+discover://cluster.example.org:2113',
    ])
      expect(
        eventStoreConfigFromEnv({ DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: connectionString }),
      ).toEqual({ engine: 'eventstoredb', connectionString, dataDir: dir });
  });

  it('refuses another scheme, naming both', () => {
    expect(() =>
      eventStoreConfigFromEnv({ DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: 'http://n1:2113' }),
    ).toThrow(/e\.g\. esdb:\/\/localhost:2113\?tls=false or kurrentdb:\/\/localhost:2113/);
  });
});
