import { GraphQLError } from 'graphql';
import { MOMENT_DESCRIPTION, MomentArgs } from '../graphql/moment.js';
import type { Connection } from '../graphql/paging.js';
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
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import { filledIn, type GqlContext } from '../graphql/context.js';
import { AssignmentRoleValue, CommitmentStatusValue, MeasureKindValue } from '../graphql/enums.js';
import { Actor, loadActor } from '../actors/actors.graphql.js';
import { Commitment, toCommitment } from '../commitments/commitments.graphql.js';
import { commitmentsOfMeasure } from '../commitments/commitments.projection.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { newEntityId } from '../shared/command-metadata.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import {
  loadMasterplan,
  loadThemeField,
  Masterplan,
  ThemeField,
} from '../masterplans/masterplans.graphql.js';
import { loadProposal, Proposal } from '../proposals/proposals.graphql.js';
import { TimeTravel } from '../read-store/time-travel.js';
import {
  AssignMeasure,
  CancelMeasure,
  CompleteMeasure,
  DefineMeasure,
  ReportMeasureProgress,
  UnassignMeasure,
} from './measure.handlers.js';
import type { AssignmentRole, MeasureKind } from './measure.js';
import {
  Assignment,
  loadMeasure,
  Measure,
  MeasurePayload,
  measurePayload,
  toAssignment,
} from './measures.graphql.js';
import { assignmentsOfMeasure, progressOfMeasure } from './measures.projection.js';
import {
  ASSIGNMENT_EVENTS,
  assignmentFieldsSet,
  assignmentSpans,
  measureFieldsSet,
  type AssignmentSpan,
} from './measure.provenance.js';
import {
  Act,
  actOf,
  entriesOf,
  FieldProvenance,
  fieldProvenance,
  fieldProvenanceFrom,
  PROVENANCE_DESCRIPTION,
} from '../audit/provenance.graphql.js';

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
  /** Runs a mutation of a measure and answers with the measure as it then stands. */
  private readonly mutate: Mutate<MeasurePayload>;

  constructor(
    mutations: MutationRunner,
    private readonly timeTravel: TimeTravel,
  ) {
    this.mutate = mutations.answeringWith(measurePayload);
  }

  @Query(() => Measure, {
    description: `A measure now, or as it stood ${MOMENT_DESCRIPTION}`,
  })
  async measure(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args() moment: MomentArgs,
  ): Promise<Measure> {
    // Nothing is deleted, so a measure unknown now never existed; its masterplan is the one to look at.
    const now = await loadMeasure(ctx.view, id);
    const view = await this.timeTravel.viewFor(ctx.view, moment);
    if (view === ctx.view) return now;
    return loadMeasure(view, id);
  }

  @ResolveField(() => Int, { description: 'Last reported progress, 0 to 100.' })
  async percentComplete(@Parent() measure: Measure): Promise<number> {
    return (await measure.view.loader(progressOfMeasure).load(measure.id))?.percent_complete ?? 0;
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'The note of the last progress report.',
  })
  async lastProgressNote(@Parent() measure: Measure): Promise<string | null> {
    return (await measure.view.loader(progressOfMeasure).load(measure.id))?.last_report ?? null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() measure: Measure): Promise<Masterplan> {
    return loadMasterplan(measure.view, measure.masterplanId);
  }

  @ResolveField(() => ThemeField)
  themeField(@Parent() measure: Measure): Promise<ThemeField> {
    return loadThemeField(measure.view, measure.masterplanId, measure.themeFieldId);
  }

  @ResolveField(() => Proposal, {
    nullable: true,
    description: 'The accepted proposal this measure came from, if any.',
  })
  sourceProposal(@Parent() measure: Measure): Promise<Proposal> | null {
    return measure.sourceProposalId ? loadProposal(measure.view, measure.sourceProposalId) : null;
  }

  @ResolveField(() => [Assignment], {
    description: 'Current assignments: lead first, then delegated, partners, supporters.',
  })
  async assignments(@Parent() measure: Measure): Promise<Assignment[]> {
    return (await measure.view.loader(assignmentsOfMeasure).load(measure.id)).map((r) =>
      toAssignment(r, measure.view),
    );
  }

  @ResolveField(() => [Assignment], {
    description:
      'Assignments ended by the moment shown (an actor unassigned), oldest first, each with who made and who ended it. Needs a token, as the audit trail does.',
  })
  async endedAssignments(
    @Context() ctx: GqlContext,
    @Parent() measure: Measure,
  ): Promise<Assignment[]> {
    const entries = await entriesOf(ctx, measure.view, measureEntity(measure), ASSIGNMENT_EVENTS);
    return assignmentSpans(entries)
      .filter((span) => span.unassigned !== undefined)
      .map((span) =>
        Object.assign(new Assignment(), {
          view: measure.view.spend(span.assigned),
          actorId: span.actorId,
          measureId: measure.id,
          role: span.role,
          assignedAt: new Date(span.assigned.occurred_at),
          span,
        }),
      );
  }

  @ResolveField(() => [FieldProvenance], { description: PROVENANCE_DESCRIPTION })
  provenance(@Context() ctx: GqlContext, @Parent() measure: Measure): Promise<FieldProvenance[]> {
    return fieldProvenance(ctx, measure.view, measureEntity(measure), measureFieldsSet);
  }

  @ResolveField(() => Actor, { nullable: true, description: 'The lead actor, if one is assigned.' })
  async lead(@Parent() measure: Measure): Promise<Actor | null> {
    const lead = (await measure.view.loader(assignmentsOfMeasure).load(measure.id)).find(
      (a) => a.role === 'lead',
    );
    return lead ? loadActor(measure.view, lead.actor_id) : null;
  }

  @ResolveField(() => [Commitment], {
    description:
      'Commitments to this measure, withdrawn and fulfilled ones included unless filtered.',
  })
  async commitments(
    @Parent() measure: Measure,
    @Args('status', { type: () => CommitmentStatusValue, nullable: true }) status?: string,
  ): Promise<Commitment[]> {
    const rows = await measure.view.loader(commitmentsOfMeasure).load(measure.id);
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
  ): Promise<Connection<AuditEntry>> {
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
  defineMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: DefineMeasureInput,
  ): Promise<MeasurePayload> {
    return this.mutate(ctx, input, 'define measures', (meta) => {
      const measureId = input.measureId ?? newEntityId(meta, 'DefineMeasure');
      const { masterplanId, themeFieldId, title, description, kind } = input;
      return new DefineMeasure(
        { measureId, masterplanId, themeFieldId, title, description, kind },
        meta,
      );
    });
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Assign an actor to a measure as lead, partner, supporter, or delegate it to an existing network. Administrators only.',
  })
  assignMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: AssignMeasureInput,
  ): Promise<MeasurePayload> {
    const { measureId, actorId, role } = input;
    return this.mutate(ctx, input, 'assign measures', (meta) => {
      return new AssignMeasure({ measureId, actorId, role }, meta);
    });
  }

  @Mutation(() => MeasurePayload, {
    description: 'End an actor’s assignment to a measure, with a reason. Administrators only.',
  })
  unassignMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: UnassignMeasureInput,
  ): Promise<MeasurePayload> {
    const { measureId, actorId, reason } = input;
    return this.mutate(ctx, input, 'unassign measures', (meta) => {
      return new UnassignMeasure({ measureId, actorId, reason }, meta);
    });
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Report progress of a measure: administrators, or a representative of an assigned actor (give actorId).',
  })
  reportMeasureProgress(
    @Context() ctx: GqlContext,
    @Args('input') input: ReportMeasureProgressInput,
  ): Promise<MeasurePayload> {
    const { measureId, percentComplete, note, actorId } = input;
    const data = { measureId, percentComplete, note, ...filledIn({ actorId }) };
    return this.mutate(ctx, input, 'report progress', (meta) => {
      return new ReportMeasureProgress(data, meta);
    });
  }

  @Mutation(() => MeasurePayload, {
    description: 'Record a measure as completed. Administrators only.',
  })
  completeMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: CompleteMeasureInput,
  ): Promise<MeasurePayload> {
    const { measureId, note } = input;
    return this.mutate(ctx, input, 'complete measures', (meta) => {
      return new CompleteMeasure({ measureId, note }, meta);
    });
  }

  @Mutation(() => MeasurePayload, {
    description:
      'Cancel a measure, with a reason; it takes no new assignments or commitments. Administrators only.',
  })
  cancelMeasure(
    @Context() ctx: GqlContext,
    @Args('input') input: CancelMeasureInput,
  ): Promise<MeasurePayload> {
    const { measureId, reason } = input;
    return this.mutate(ctx, input, 'cancel measures', (meta) => {
      return new CancelMeasure({ measureId, reason }, meta);
    });
  }
}

const measureEntity = (measure: { id: string }) => ({ type: 'measure' as const, id: measure.id });

/** How an assignment came about: from the audit, the span of the one shown. */
async function spanOf(ctx: GqlContext, assignment: Assignment): Promise<AssignmentSpan> {
  if (assignment.span) return assignment.span;
  const entries = await entriesOf(
    ctx,
    assignment.view,
    measureEntity({ id: assignment.measureId }),
    ASSIGNMENT_EVENTS,
  );
  // A current assignment is the last one made for its actor (the view ends where it shows).
  const span = assignmentSpans(entries).findLast((s) => s.actorId === assignment.actorId);
  if (!span)
    throw new GraphQLError(
      'The audit trail has not caught up with this assignment yet (each read model follows the log on its own); ask again in a moment',
      { extensions: { code: 'READ_MODEL_LAGGING' } },
    );
  return span;
}

@Resolver(() => Assignment)
export class AssignmentsResolver {
  @ResolveField(() => Act, { description: 'Who assigned the actor. Needs a token.' })
  async created(@Context() ctx: GqlContext, @Parent() assignment: Assignment): Promise<Act> {
    return actOf(ctx, (await spanOf(ctx, assignment)).assigned, assignment.view);
  }

  @ResolveField(() => Act, {
    nullable: true,
    description:
      'Who ended the assignment (unassigned the actor); null while it lasts. Needs a token.',
  })
  async ended(@Context() ctx: GqlContext, @Parent() assignment: Assignment): Promise<Act | null> {
    const { unassigned } = await spanOf(ctx, assignment);
    return unassigned ? actOf(ctx, unassigned, assignment.view) : null;
  }

  @ResolveField(() => [FieldProvenance], { description: PROVENANCE_DESCRIPTION })
  async provenance(
    @Context() ctx: GqlContext,
    @Parent() assignment: Assignment,
  ): Promise<FieldProvenance[]> {
    const { assigned } = await spanOf(ctx, assignment);
    return fieldProvenanceFrom(ctx, assignment.view, [assigned], assignmentFieldsSet);
  }

  @ResolveField(() => Actor)
  actor(@Parent() assignment: Assignment): Promise<Actor> {
    return loadActor(assignment.view, assignment.actorId);
  }

  @ResolveField(() => Measure)
  measure(@Parent() assignment: Assignment): Promise<Measure> {
    return loadMeasure(assignment.view, assignment.measureId);
  }
}
