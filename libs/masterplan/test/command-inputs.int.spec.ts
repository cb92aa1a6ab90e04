import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RecordedEvent } from '@ml/event-store';
import { AppointRepresentative, RegisterActor } from '../src/actors/actor.handlers.js';
import { DeclareCommitment } from '../src/commitments/commitment.handlers.js';
import { DefineThemeField, InitiateMasterplan } from '../src/masterplans/masterplan.handlers.js';
import { DefineMeasure } from '../src/measures/measure.handlers.js';
import { Projector } from '../src/projections/projector.js';
import { SubmitProposal } from '../src/proposals/proposal.handlers.js';
import { ReadStore } from '../src/read-store/read-store.js';
import { commandMetadata } from '../src/shared/command-metadata.js';
import type { DomainCommand } from '../src/shared/domain-command.js';
import { isRejection } from '../src/shared/rejection.js';
import { startDomain, type DomainApp } from './domain-app.js';
import { admin, ihkRep, motion, resolution } from './fixtures.js';

/**
 * Hostile command inputs (any Unicode, control characters, halves of surrogate pairs,
 * SQL- and script-looking text, ids of any shape) through the real command path: a
 * refused command appends nothing; an accepted one appends exactly its events, and every
 * text it accepted is stored and read back exactly as sent.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "'; DROP TABLE events; --",
    '<script>alert(1)</script>',
    '\u0000\u0007\u001b[31m\u202e',
    'line\nbreak\r\ttab',
    '  padded  ',
    '',
  ),
);
const id = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('../evil', 'a b', 'x'.repeat(101), '', 'ok\u0000', '\u202eabc'),
);

describe('hostile command inputs, as a property', () => {
  let dir: string;
  let domain: DomainApp;
  let seq = 0;
  const outcomes = { accepted: 0, refused: 0 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-inputs-'));
    domain = await startDomain(dir);
    const m = () => commandMetadata(admin);
    for (const command of [
      new RegisterActor({ actorId: 'ihk', name: 'IHK', kind: 'chamber' }, m()),
      new AppointRepresentative({ actorId: 'ihk', userId: ihkRep.userId, name: 'R' }, m()),
      new InitiateMasterplan(
        { masterplanId: 'mp', title: 'Plan', region: 'Aachen', motion, resolution },
        m(),
      ),
      new DefineThemeField(
        { masterplanId: 'mp', themeFieldId: 'tf', name: 'Field', description: 'd' },
        m(),
      ),
    ] as Array<DomainCommand<unknown>>) {
      const result = await domain.commands.execute(command);
      if (isRejection(result)) throw new Error(result.message);
    }
  });
  afterAll(async () => {
    await domain.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const appendedSince = async (before: string) => {
    const events: RecordedEvent[] = [];
    for await (const e of domain.store.readAll({
      fromPosition: before as RecordedEvent['position'],
    }))
      events.push(e);
    return events;
  };

  it(`refuses whole, or accepts exactly and keeps every text as sent (${RUNS} runs a command)`, async () => {
    const projector = domain.app.get(Projector);
    const readStore = domain.app.get(ReadStore);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('actor', 'measure', 'proposal', 'commitment'),
        id,
        text,
        text,
        async (kind, chosenId, title, body) => {
          const unique = chosenId;
          const meta = commandMetadata(
            kind === 'proposal' || kind === 'commitment' ? ihkRep : admin,
          );
          seq++;
          const command: DomainCommand<unknown> = {
            actor: () => new RegisterActor({ actorId: unique, name: title, kind: 'company' }, meta),
            measure: () =>
              new DefineMeasure(
                {
                  measureId: unique,
                  masterplanId: 'mp',
                  themeFieldId: 'tf',
                  title,
                  description: body,
                  kind: 'standard',
                },
                meta,
              ),
            proposal: () =>
              new SubmitProposal(
                {
                  proposalId: unique,
                  masterplanId: 'mp',
                  themeFieldId: 'tf',
                  actorId: 'ihk',
                  title,
                  description: body,
                },
                meta,
              ),
            // One active commitment per actor and measure: each on a measure of its own.
            commitment: () =>
              new DeclareCommitment(
                {
                  commitmentId: unique,
                  actorId: 'ihk',
                  masterplanId: 'mp',
                  measureId: `cm-${seq}`,
                  statement: title,
                },
                meta,
              ),
          }[kind]();
          if (kind === 'commitment') {
            const measure = await domain.commands.execute(
              new DefineMeasure(
                {
                  measureId: `cm-${seq}`,
                  masterplanId: 'mp',
                  themeFieldId: 'tf',
                  title: 't',
                  description: 'd',
                  kind: 'standard',
                },
                commandMetadata(admin),
              ),
            );
            if (isRejection(measure)) throw new Error(measure.message);
          }
          const before = await domain.store.headPosition();
          const result = await domain.commands.execute(command);
          const appended = await appendedSince(before);
          outcomes[isRejection(result) ? 'refused' : 'accepted']++;
          if (isRejection(result)) {
            expect({ refused: result.code, appended: appended.length }).toEqual({
              refused: result.code,
              appended: 0,
            });
            return;
          }
          const own = appended.filter((e) => e.metadata.commandId === meta.commandId);
          expect(own.map((e) => ({ type: e.type, data: e.data }))).toEqual(
            result.events.map((e) => ({ type: e.type, data: e.data })),
          );
          // Stored as sent (titles are trimmed by the rules; nothing else changes).
          const stored = own[0]!.data as Record<string, string>;
          const storedTitle = stored.name ?? stored.title ?? stored.statement;
          expect(storedTitle).toBe(title.trim());
          if (kind === 'measure' || kind === 'proposal') expect(stored.description).toBe(body);
          // And read back as stored.
          await projector.reached(result.position);
          const [table, key, column] = {
            actor: ['actors', 'actor_id', 'name'],
            measure: ['measures', 'measure_id', 'title'],
            proposal: ['proposals', 'proposal_id', 'title'],
            commitment: ['commitments', 'commitment_id', 'statement'],
          }[kind] as [string, string, string];
          const row = readStore.get<{ v: string }>(
            `SELECT ${column} AS v FROM ${table} WHERE ${key} = ? AND valid_to = '~'`,
            unique,
          );
          expect(row?.v).toBe(storedTitle);
        },
      ),
      { numRuns: RUNS },
    );
    // Both sides of the property were exercised.
    expect(outcomes.accepted).toBeGreaterThan(RUNS / 10);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 10);
  }, 120_000);
});
