import type { CommandBus } from '@nestjs/cqrs';
import { AppointRepresentative, RegisterActor } from '../src/actors/actor.handlers.js';
import { DefineThemeField, InitiateMasterplan } from '../src/masterplans/masterplan.handlers.js';
import { AcceptProposal, SubmitProposal } from '../src/proposals/proposal.handlers.js';
import { commandMetadata, type CommandMetadata } from '../src/shared/command-metadata.js';
import type { CommandOutcome } from '../src/shared/command-executor.js';
import type { User } from '../src/shared/decider.js';
import type { DomainCommand } from '../src/shared/domain-command.js';
import { isRejection } from '../src/shared/rejection.js';
import { admin, dgbRep, ihkRep, motion, resolution } from './fixtures.js';

export const meta = (
  user: User = admin,
  options: Parameters<typeof commandMetadata>[1] = {},
): CommandMetadata => commandMetadata(user, options);

export async function ok(
  commands: CommandBus,
  command: DomainCommand<unknown>,
): Promise<CommandOutcome> {
  const result = await commands.execute(command);
  if (isRejection(result)) throw new Error(`unexpected rejection: ${result.message}`);
  return result;
}

/** Two actors with representatives, a masterplan with a theme field, and a proposal by IHK. */
export async function setTheStage(commands: CommandBus): Promise<void> {
  const actors = [
    ['ihk', 'IHK Aachen', 'chamber', ihkRep],
    ['dgb', 'DGB', 'union', dgbRep],
  ] as const;
  for (const [actorId, name, kind, rep] of actors) {
    await ok(commands, new RegisterActor({ actorId, name, kind }, meta()));
    await ok(
      commands,
      new AppointRepresentative({ actorId, userId: rep.userId, name: rep.userId }, meta()),
    );
  }
  await ok(
    commands,
    new InitiateMasterplan(
      {
        masterplanId: 'mp',
        title: 'Masterplan Industrie Aachen 2020',
        region: 'Aachen',
        motion,
        resolution,
      },
      meta(),
    ),
  );
  await ok(
    commands,
    new DefineThemeField(
      {
        masterplanId: 'mp',
        themeFieldId: 'fachkraefte',
        name: 'Fachkräfte',
        description: 'Skilled workers',
      },
      meta(),
    ),
  );
  await ok(
    commands,
    new SubmitProposal(
      {
        proposalId: 'p-1',
        masterplanId: 'mp',
        themeFieldId: 'fachkraefte',
        actorId: 'ihk',
        title: 'Ausbildungsoffensive',
        description: 'More apprenticeships',
      },
      meta(ihkRep),
    ),
  );
}

export const acceptProposal = (commands: CommandBus) =>
  ok(
    commands,
    new AcceptProposal(
      { proposalId: 'p-1', measureId: 'm-1', measureKind: 'quick_win' },
      meta(admin, { correlationId: 'corr-accept' }),
    ),
  );
