import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, loadConfiguration } from '@ml/config';
import { eventStoreConfigOf } from './config.js';

const configOf = (env: Record<string, string>) => eventStoreConfigOf(loadConfiguration(env));

describe('the event store the configuration names', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ml-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the embedded one in DATA_DIR, committing inline unless told to use a writer thread', () => {
    expect(configOf({ DATA_DIR: join(dir, 'a', 'b') })).toEqual({
      engine: 'sqlite',
      dataDir: join(dir, 'a', 'b'),
      file: join(dir, 'a', 'b', 'events.sqlite'),
      durability: 'FULL',
      writer: 'inline',
    });
    expect(configOf({ DATA_DIR: dir, SQLITE_WRITER: 'Thread' })).toMatchObject({
      writer: 'thread',
    });
  });

  it('refuses a DATA_DIR it cannot make, at once and saying why', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => configOf({ DATA_DIR: join(file, 'data') })).toThrow(
      new ConfigurationError(
        `DATA_DIR '${join(file, 'data')}' cannot be used as the data directory: '${file}' is a file, not a directory`,
      ),
    );
    expect(() => configOf({ DATA_DIR: file })).toThrow(`'${file}' is a file, not a directory`);
    // Node's own recursive mkdir spins for ever on these two.
    expect(() => configOf({ DATA_DIR: '/proc/ml-data' })).toThrow(
      "DATA_DIR '/proc/ml-data' cannot be used as the data directory: ENOENT",
    );
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(() => configOf({ DATA_DIR: join(dir, 'dangling', 'data') })).toThrow(ConfigurationError);
  });

  it('checks an EventStoreDB connection string before making DATA_DIR', () => {
    expect(() =>
      configOf({ DATA_DIR: join(dir, 'new'), EVENTSTORE_CONNECTION_STRING: 'http://x:2113' }),
    ).toThrow('EVENTSTORE_CONNECTION_STRING is not a valid EventStoreDB connection string');
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(
      configOf({
        DATA_DIR: dir,
        EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      }),
    ).toEqual({
      engine: 'eventstoredb',
      connectionString: 'esdb://localhost:2113?tls=false',
      dataDir: dir,
    });
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
      expect(configOf({ DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: connectionString })).toEqual({
        engine: 'eventstoredb',
        connectionString,
        dataDir: dir,
      });
  });

  it('refuses another scheme, naming both', () => {
    expect(() =>
      configOf({ DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: 'http://n1:2113' }),
    ).toThrow(/e\.g\. esdb:\/\/localhost:2113\?tls=false or kurrentdb:\/\/localhost:2113/);
  });
});
