import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { DefineMeasure } from '../measures/measure.handlers.js';
import { SYSTEM_USER, type Reaction } from '../reactions/reaction.js';
import { commandMetadata } from '../shared/command-metadata.js';
import { isRejection } from '../shared/rejection.js';
import type { StoredEvent } from '../shared/stored-event.js';

/** An accepted proposal becomes the measure its acceptance named. */
export const defineMeasureForAcceptedProposal: Reaction = {
  name: 'define-measure-for-accepted-proposal',
  handles: ['ProposalAccepted'],
  async react(event: StoredEvent, commands: CommandBus) {
    if (event.type !== 'ProposalAccepted') return;
    const { data } = event;
    const result = await commands.execute(
      new DefineMeasure(
        {
          measureId: data.measureId,
          masterplanId: data.masterplanId,
          themeFieldId: data.themeFieldId,
          title: data.title,
          description: data.description,
          kind: data.measureKind,
          sourceProposalId: data.proposalId,
        },
        commandMetadata(SYSTEM_USER, {
          ...(typeof event.metadata.correlationId === 'string'
            ? { correlationId: event.metadata.correlationId }
            : {}),
          causationId: event.id,
          idempotencyKey: `reaction:${event.id}`,
          now: new Date(event.metadata.occurredAt ?? event.recordedAt),
        }),
      ),
    );
    if (isRejection(result)) {
      // Under the correlation id of the request that accepted the proposal.
      new Logger('Reactions').warn(
        `Measure for accepted proposal ${data.proposalId} refused: ${result.message}`,
        { correlationId: event.metadata.correlationId, code: result.code },
      );
    }
  },
};
