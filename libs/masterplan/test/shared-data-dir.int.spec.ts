import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Projector } from '../src/projections/projector.js';
import { ReadStore } from '../src/read-store/read-store.js';
import { isDomainEventType } from '../src/shared/event-catalogue.js';
import { startDomain } from './domain-app.js';
import { acceptProposal, setTheStage } from './story.js';

describe('two processes on one DATA_DIR (the server and a CLI verb)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-shared-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('apply each event to the shared read models once, whoever gets there first', async () => {
    const server = await startDomain(dir);
    const cli = await startDomain(dir);
    try {
      // The "CLI" writes; both follow the same log into the same read-model file.
      await setTheStage(cli.commands);
      const accepted = await acceptProposal(cli.commands);
      await cli.reactions.reached(accepted.position);
      const head = await cli.store.headPosition();
      await Promise.all([
        cli.app.get(Projector).reached(head),
        server.app.get(Projector).reached(head),
      ]);

      const readStore = server.app.get(ReadStore);
      expect(readStore.all('SELECT actor_id FROM actors ORDER BY actor_id')).toEqual([
        { actor_id: 'dgb' },
        { actor_id: 'ihk' },
      ]);
      expect(readStore.all('SELECT measure_id, source_proposal_id FROM measures')).toEqual([
        { measure_id: 'm-1', source_proposal_id: 'p-1' },
      ]);
      const entries = readStore.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_entries')!.n;
      // One entry per domain event; id reservations are bookkeeping, not part of the audit.
      let events = 0;
      for await (const event of cli.store.readAll()) if (isDomainEventType(event.type)) events++;
      expect(entries).toBe(events);
    } finally {
      await cli.app.close();
      await server.app.close();
    }
  });
});
