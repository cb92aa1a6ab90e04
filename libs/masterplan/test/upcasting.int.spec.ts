import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@ml/event-store';
import { CommandExecutor } from '../src/shared/command-executor.js';
import { proposalAggregate } from '../src/proposals/proposal.js';
import { toStoredEvent } from '../src/shared/stored-event.js';
import { upcast } from '../src/shared/upcasters.js';

describe('schema evolution', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-upcast-'));
    store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a ProposalSubmitted written with schema v1 (`summary`) is read as v2 (`description`)', async () => {
    const v1 = {
      proposalId: 'p-old',
      masterplanId: 'mp',
      themeFieldId: 'tf',
      actorId: 'ihk',
      title: 'Gründerregion',
      summary: 'Support for start-ups',
    };
    await store.appendToStream('proposal-p-old', [
      { id: randomUUID(), type: 'ProposalSubmitted', data: v1, metadata: { schemaVersion: 1 } },
    ]);

    const { state } = await new CommandExecutor(store).load(proposalAggregate, 'p-old');
    expect(state).toMatchObject({
      exists: true,
      title: 'Gründerregion',
      description: 'Support for start-ups',
      status: 'submitted',
    });

    for await (const recorded of store.readStream('proposal-p-old')) {
      expect(recorded.data).toEqual(v1); // the stored event is never rewritten
      expect(toStoredEvent(recorded)!.data).toEqual({
        ...Object.fromEntries(Object.entries(v1).filter(([k]) => k !== 'summary')),
        description: 'Support for start-ups',
      });
    }
  });

  it('current events pass through unchanged, and an unknown version is an error rather than a guess', () => {
    const v2 = {
      proposalId: 'p',
      masterplanId: 'mp',
      themeFieldId: 'tf',
      actorId: 'ihk',
      title: 't',
      description: 'd',
    };
    expect(upcast('ProposalSubmitted', v2, 2).data).toEqual(v2);
    expect(() => upcast('MeasureDefined', {}, 0)).toThrow(
      /No upcaster for MeasureDefined from schema version 0/,
    );
    expect(() => upcast('SomethingElse', {}, 1)).toThrow(/Unknown event type/);
  });
});
