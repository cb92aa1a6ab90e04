import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@ml/event-store';
import { RegisterActor } from '../src/actors/actor.handlers.js';
import { DeclareCommitment, WithdrawCommitment } from '../src/commitments/commitment.handlers.js';
import { newEntityId } from '../src/shared/command-metadata.js';
import { CommandExecutor, type CommandOutcome } from '../src/shared/command-executor.js';
import { actorAggregate } from '../src/actors/actor.js';
import { measureAggregate } from '../src/measures/measure.js';
import { decideMeasure } from '../src/measures/decide.js';
import type { User } from '../src/shared/decider.js';
import type { DomainCommand, CommandResult } from '../src/shared/domain-command.js';
import { isRejection, type Rejection } from '../src/shared/rejection.js';
import { startDomain, type DomainApp } from './domain-app.js';
import { admin, dgbRep, ihkRep } from './fixtures.js';
import { acceptProposal, meta, setTheStage } from './story.js';

async function collect(iterable: AsyncIterable<RecordedEvent>) {
  const all: RecordedEvent[] = [];
  for await (const e of iterable) all.push(e);
  return all;
}

describe('the command path on the embedded store', () => {
  let dir: string;
  let domain: DomainApp;
  const send = (command: DomainCommand<unknown>): Promise<CommandResult> =>
    domain.commands.execute(command);
  const ok = async (command: DomainCommand<unknown>): Promise<CommandOutcome> => {
    const result = await send(command);
    if (isRejection(result)) throw new Error(`unexpected rejection: ${result.message}`);
    return result;
  };
  const refused = async (command: DomainCommand<unknown>): Promise<Rejection> => {
    const result = await send(command);
    if (!isRejection(result))
      throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
    return result;
  };

  async function story() {
    await setTheStage(domain.commands);
    const accepted = await acceptProposal(domain.commands);
    await domain.reactions.reached(accepted.position);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-domain-'));
    domain = await startDomain(dir);
  });
  afterEach(async () => {
    await domain.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an accepted proposal becomes a measure through a reaction that names its cause', async () => {
    await story();
    const proposal = await collect(domain.store.readStream('proposal-p-1'));
    const measure = await collect(domain.store.readStream('measure-m-1'));
    const accepted = proposal.find((e) => e.type === 'ProposalAccepted')!;
    expect(measure.map((e) => e.type)).toEqual(['MeasureDefined']);
    expect(measure[0]!.data).toMatchObject({
      measureId: 'm-1',
      sourceProposalId: 'p-1',
      kind: 'quick_win',
      title: 'Ausbildungsoffensive',
    });
    expect(measure[0]!.metadata).toMatchObject({
      correlationId: 'corr-accept',
      causationId: accepted.id,
      commandName: 'DefineMeasure',
      actor: { userId: 'system', roles: ['administrator'] },
      schemaVersion: 1,
    });
  });

  it('records complete metadata: correlation, causation, user, organisation, roles, time, command, schema', async () => {
    await story();
    const [submitted] = await collect(domain.store.readStream('proposal-p-1'));
    expect(submitted!.metadata).toEqual({
      correlationId: expect.any(String),
      causationId: expect.any(String),
      commandId: expect.any(String),
      commandName: 'SubmitProposal',
      actor: { userId: 'r.schmidt', organisationId: 'ihk', roles: ['representative'] },
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      schemaVersion: 2,
    });
    expect(submitted!.metadata.causationId).toBe(submitted!.metadata.commandId);
  });

  it('a stale expected version is a conflict with expected and actual, and appends nothing', async () => {
    await story();
    const declared = await ok(
      new DeclareCommitment(
        {
          commitmentId: 'c-1',
          actorId: 'ihk',
          masterplanId: 'mp',
          measureId: 'm-1',
          statement: '20 places',
        },
        meta(ihkRep),
      ),
    );
    const rejection = await refused(
      new DeclareCommitment(
        {
          commitmentId: 'c-2',
          actorId: 'dgb',
          masterplanId: 'mp',
          measureId: 'm-1',
          statement: 'support',
        },
        meta(dgbRep, { expectedVersion: declared.version - 1 }),
      ),
    );
    expect(rejection).toMatchObject({
      code: 'CONFLICT',
      reason: 'VERSION_MISMATCH',
      details: { expectedVersion: declared.version - 1, actualVersion: declared.version },
    });
    expect(await collect(domain.store.readStream('measure-m-1'))).toHaveLength(
      declared.version + 1,
    );
    await ok(
      new DeclareCommitment(
        {
          commitmentId: 'c-2',
          actorId: 'dgb',
          masterplanId: 'mp',
          measureId: 'm-1',
          statement: 'support',
        },
        meta(dgbRep, { expectedVersion: declared.version }),
      ),
    );
  });

  it('concurrent commands on one stream take turns in this process: no race, no retry', async () => {
    await story();
    const before = domain.executor.stats.retries;
    const results = await Promise.all([
      send(
        new DeclareCommitment(
          {
            commitmentId: 'c-ihk',
            actorId: 'ihk',
            masterplanId: 'mp',
            measureId: 'm-1',
            statement: '20 places',
          },
          meta(ihkRep),
        ),
      ),
      send(
        new DeclareCommitment(
          {
            commitmentId: 'c-dgb',
            actorId: 'dgb',
            masterplanId: 'mp',
            measureId: 'm-1',
            statement: 'support',
          },
          meta(dgbRep),
        ),
      ),
    ]);
    expect(results.filter(isRejection)).toEqual([]);
    expect(domain.executor.stats.retries).toBe(before);
    const types = (await collect(domain.store.readStream('measure-m-1'))).map((e) => e.type);
    expect(types).toEqual(['MeasureDefined', 'CommitmentDeclared', 'CommitmentDeclared']);
  });

  it('without an expected version, a race lost to another server instance is re-read, re-decided and retried', async () => {
    await story();
    const otherInstance = new CommandExecutor(domain.store);
    const declare = (
      executor: CommandExecutor,
      commitmentId: string,
      actorId: string,
      user: User,
    ) => {
      const m = meta(user);
      return executor.execute({
        aggregate: measureAggregate,
        entityId: 'm-1',
        commandName: 'DeclareCommitment',
        meta: m,
        input: { commitmentId, actorId },
        actingFor: actorId,
        decide: async (state) =>
          decideMeasure(
            {
              type: 'DeclareCommitment',
              data: { commitmentId, actorId, masterplanId: 'mp', measureId: 'm-1', statement: 'x' },
            },
            state,
            {
              ...m,
              actor: await executor.stateOf(actorAggregate, actorId),
            },
          ),
      });
    };
    const results = await Promise.all([
      declare(domain.executor, 'c-ihk', 'ihk', ihkRep),
      declare(otherInstance, 'c-dgb', 'dgb', dgbRep),
    ]);
    expect(results.filter(isRejection)).toEqual([]);
    expect(domain.executor.stats.retries + otherInstance.stats.retries).toBe(1);
    const types = (await collect(domain.store.readStream('measure-m-1'))).map((e) => e.type);
    expect(types).toEqual(['MeasureDefined', 'CommitmentDeclared', 'CommitmentDeclared']);
  });

  it('commands taking turns each decide on the state the previous one left: the later ones are refused, not duplicated', async () => {
    await story();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        send(
          new DeclareCommitment(
            {
              commitmentId: `c-${n}`,
              actorId: 'ihk',
              masterplanId: 'mp',
              measureId: 'm-1',
              statement: n,
            },
            meta(ihkRep),
          ),
        ),
      ),
    );
    expect(results.filter((r) => !isRejection(r))).toHaveLength(1);
    expect(results.filter(isRejection).map((r) => r.reason)).toEqual([
      'ALREADY_COMMITTED',
      'ALREADY_COMMITTED',
    ]);
  });

  it('repeating a command with the same idempotency key returns the first outcome and appends nothing', async () => {
    await story();
    const key = randomUUID();
    const command = () =>
      new DeclareCommitment(
        {
          commitmentId: 'c-1',
          actorId: 'ihk',
          masterplanId: 'mp',
          measureId: 'm-1',
          statement: '20 places',
        },
        meta(ihkRep, { idempotencyKey: key }),
      );
    const first = await ok(command());
    const again = await ok(command());
    expect(again).toEqual({ ...first, repeated: true });
    expect(await collect(domain.store.readStream('measure-m-1'))).toHaveLength(2);

    // The same key from another user is another command.
    const withdrawn = await send(
      new WithdrawCommitment(
        { commitmentId: 'c-1', masterplanId: 'mp', measureId: 'm-1', reason: 'x' },
        meta(dgbRep, { idempotencyKey: key }),
      ),
    );
    expect(withdrawn).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a repeated create with the same key lands on the same entity', async () => {
    const key = 'register-agit-once';
    const create = () => {
      const m = meta(admin, { idempotencyKey: key });
      return new RegisterActor(
        { actorId: newEntityId(m, 'RegisterActor'), name: 'AGIT', kind: 'agency' },
        m,
      );
    };
    const first = await ok(create());
    const again = await ok(create());
    expect(again.entityId).toBe(first.entityId);
    expect(again.repeated).toBe(true);
    const all = await collect(domain.store.readAll());
    expect(all.filter((e) => e.type === 'ActorRegistered')).toHaveLength(1);
  });

  it('a refused command appends nothing', async () => {
    await story();
    const head = await domain.store.headPosition();
    const rejection = await refused(
      new DeclareCommitment(
        {
          commitmentId: 'c-x',
          actorId: 'ihk',
          masterplanId: 'mp',
          measureId: 'm-1',
          statement: 'x',
        },
        meta(dgbRep),
      ),
    );
    expect(rejection).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_A_REPRESENTATIVE' });
    expect(await domain.store.headPosition()).toBe(head);
  });
});
