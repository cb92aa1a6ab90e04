import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import type { GqlContext } from '../graphql/context.js';
import { AssignmentRoleValue, CommitmentStatusValue, MeasureKindValue } from '../graphql/enums.js';
import { load } from '../graphql/loaders.js';
import { toAssignment, toCommitment } from '../graphql/mappers.js';
import {
  Actor,
  Assignment,
  AuditEntryConnection,
  Commitment,
  Masterplan,
  Measure,
  Proposal,
  ThemeField,
} from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, MeasurePayload } from '../graphql/payloads.js';
import { TimeTravel } from '../read-store/time-travel.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import {
  AssignMeasure,
  CancelMeasure,
  CompleteMeasure,
  DefineMeasure,
  ReportMeasureProgress,
  UnassignMeasure,
} from './measure.handlers.js';
import type { AssignmentRole, MeasureKind } from './measure.js';

@InputType()
class DefineMeasureInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'Choose the id, or leave it to the server.' })
  measureId?: string;
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID) themeFieldId!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => MeasureKindValue) kind!: MeasureKind;
}
@InputType()
class AssignMeasureInput extends MutationInput {
  @Field(() => ID) measureId!: string;
  @Field(() => ID) actorId!: string;
  @Field(() => AssignmentRoleValue) role!: AssignmentRole;
}
@InputType()
class UnassignMeasureInput extends MutationInput {
  @Field(() => ID) measureId!: string;
  @Field(() => ID) actorId!: string;
  @Field() reason!: string;
}
@InputType()
class ReportMeasureProgressInput extends MutationInput {
  @Field(() => ID) measureId!: string;
  @Field(() => Int, { description: '0 to 100.' }) percentComplete!: number;
  @Field() note!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The assigned actor you report for; leave out when reporting as administrator.',
  })
  actorId?: string;
}
@InputType()
class CompleteMeasureInput extends MutationInput {
  @Field(() => ID) measureId!: string;
  @Field() note!: string;
}
@InputType()
class CancelMeasureInput extends MutationInput {
  @Field(() => ID) measureId!: string;
  @Field() reason!: string;
}

@Resolver(() => Measure)
export class MeasuresResolver {
  constructor(
    private readonly mutations: MutationRunner,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Query(() => Measure, {
    description:
      'A measure now, or at a past moment: `asOfPosition` (a log position) or `asOf` (a time, shown as the log position it resolves to), not both; as for `masterplan`.',
  })
  async measure(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', {
      type: () => DateTime,
      nullable: true,
      description: 'A past time; it is shown as the log position it resolves to.',
    })
    asOf?: Date,
    @Args('asOfPosition', {
      nullable: true,
      description: 'A log position as this server gives them: an audit entry’s, a payload’s.',
    })
    asOfPosition?: string,
  ): Promise<Measure> {
    // Nothing is deleted, so a measure unknown now never existed; its masterplan is the one to look at.
    const now = await load.measure(ctx.view, id);
    const view = await this.timeTravel.viewFor(ctx.view, asOf, asOfPosition);
    if (view === ctx.view) return now;
    return load.measure(view, id);
  }

  @ResolveField(() => Int, { description: 'Last reported progress, 0 to 100.' })
  async percentComplete(@Parent() measure: Measure): Promise<number> {
    return (await measure.view.progressOfMeasure.load(measure.id))?.percent_complete ?? 0;
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'The note of the last progress report.',
  })
  async lastProgressNote(@Parent() measure: Measure): Promise<string | null> {
    return (await measure.view.progressOfMeasure.load(measure.id))?.last_report ?? null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() measure: Measure): Promise<Masterplan> {
    return load.masterplan(measure.view, measure.masterplanId);
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() measure: Measure): Promise<ThemeField> {
    return load.themeField(measure.view, measure.masterplanId, measure.themeFieldId);
  }

  @ResolveField(() => Proposal, {
    nullable: true,
    description: 'The accepted proposal this measure came from, if any.',
  })
  sourceProposal(@Parent() measure: Measure): Promise<Proposal> | null {
    return measure.sourceProposalId ? load.proposal(measure.view, measure.sourceProposalId) : null;
  }

  @ResolveField(() => [Assignment], {
    description: 'Current assignments: lead first, then delegated, partners, supporters.',
  })
  async assignments(@Parent() measure: Measure): Promise<Assignment[]> {
    return (await measure.view.assignmentsOfMeasure.load(measure.id)).map((r) =>
      toAssignment(r, measure.view),
    );
  }

  @ResolveField(() => Actor, { nullable: true, description: 'The lead actor, if one is assigned.' })
  async lead(@Parent() measure: Measure): Promise<Actor | null> {
    const lead = (await measure.view.assignmentsOfMeasure.load(measure.id)).find(
      (a) => a.role === 'lead',
    );
    return lead ? load.actor(measure.view, lead.actor_id) : null;
  }

  @ResolveField(() => [Commitment], {
    description:
      'Commitments to this measure, withdrawn and fulfilled ones included unless filtered.',
  })
  async commitments(
    @Parent() measure: Measure,
    @Args('status', { type: () => CommitmentStatusValue, nullable: true }) status?: string,
  ): Promise<Commitment[]> {
    const rows = await measure.view.commitmentsOfMeasure.load(measure.id);
    return rows
      .filter((r) => !status || r.status === status)
      .map((r) => toCommitment(r, measure.view));
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Everything that happened to this measure, commitments included. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() measure: Measure,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
    return auditConnection(
      ctx,
      measure.view,
      { entityType: 'measure', entityId: measure.id },
      page,
    );
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Define a measure in a theme field. Administrators only. (Accepted proposals become measures by themselves.)',
  })
  async defineMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: DefineMeasureInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'define measures');
    const measureId = this.mutations.newId(meta, 'DefineMeasure', input.measureId);
    const { masterplanId, themeFieldId, title, description, kind } = input;
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new DefineMeasure(
          { measureId, masterplanId, themeFieldId, title, description, kind },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Assign an actor to a measure as lead, partner, supporter, or delegate it to an existing network. Administrators only.',
  })
  async assignMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: AssignMeasureInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'assign measures');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new AssignMeasure(
          { measureId: input.measureId, actorId: input.actorId, role: input.role },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => MeasurePayload, {
    description: 'End an actor’s assignment to a measure, with a reason. Administrators only.',
  })
  async unassignMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: UnassignMeasureInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'unassign measures');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new UnassignMeasure(
          { measureId: input.measureId, actorId: input.actorId, reason: input.reason },
          meta,
        ),
      ),
    );
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Report progress of a measure: administrators, or a representative of an assigned actor (give actorId).',
  })
  async reportMeasureProgress(
    @Context() ctx: GqlContext,
    @Args('input') input: ReportMeasureProgressInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'report progress');
    const data = {
      measureId: input.measureId,
      percentComplete: input.percentComplete,
      note: input.note,
      ...(input.actorId ? { actorId: input.actorId } : {}),
    };
    return this.answer(ctx, await this.mutations.run(ctx, new ReportMeasureProgress(data, meta)));
  }

  @Mutation(() => MeasurePayload, {
    description: 'Record a measure as completed. Administrators only.',
  })
  async completeMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: CompleteMeasureInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'complete measures');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new CompleteMeasure({ measureId: input.measureId, note: input.note }, meta),
      ),
    );
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Cancel a measure, with a reason; it takes no new assignments or commitments. Administrators only.',
  })
  async cancelMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: CancelMeasureInput,
  ): Promise<MeasurePayload> {
    const meta = this.mutations.metadata(ctx, input, 'cancel measures');
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new CancelMeasure({ measureId: input.measureId, reason: input.reason }, meta),
      ),
    );
  }

  private async answer(ctx: GqlContext, outcome: CommandOutcome): Promise<MeasurePayload> {
    return { ...changed(outcome), measure: await load.measure(ctx.view, outcome.entityId) };
  }
}

@Resolver(() => Assignment)
export class AssignmentsResolver {
  @ResolveField(() => Actor)
  actor(@Parent() assignment: Assignment): Promise<Actor> {
    return load.actor(assignment.view, assignment.actorId);
  }

  @ResolveField(() => Measure)
  measure(@Parent() assignment: Assignment): Promise<Measure> {
    return load.measure(assignment.view, assignment.measureId);
  }
}
