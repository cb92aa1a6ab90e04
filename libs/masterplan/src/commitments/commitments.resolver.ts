import { GraphQLError } from 'graphql';
import {
  Act,
  actOf,
  entriesOf,
  FieldProvenance,
  fieldProvenance,
  PROVENANCE_DESCRIPTION,
} from '../audit/provenance.graphql.js';
import { commitmentFieldsSet } from './commitment.provenance.js';
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
import { Actor, loadActor } from '../actors/actors.graphql.js';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import {
  badInput,
  notFoundError,
  positionAfter,
  filledIn,
  type GqlContext,
} from '../graphql/context.js';
import { CommitmentStatusValue } from '../graphql/enums.js';
import { AuditEntry, AuditEntryConnection } from '../audit/audit.graphql.js';
import { isRealDate } from '../shared/validation.js';
import { newEntityId } from '../shared/command-metadata.js';
import type { DomainCommand } from '../shared/domain-command.js';
import { MutationInput, MutationRunner, type Mutate } from '../graphql/mutation-runner.js';
import { maySeePeopleOf } from '../graphql/readers.js';
import { loadMasterplan, Masterplan } from '../masterplans/masterplans.graphql.js';
import { loadMeasure, Measure } from '../measures/measures.graphql.js';
import { DeclareCommitment, FulfilCommitment, WithdrawCommitment } from './commitment.handlers.js';
import {
  Commitment,
  CommitmentConnection,
  commitmentPayload,
  CommitmentPayload,
  toCommitment,
} from './commitments.graphql.js';
import { commitmentById, commitmentList, type CommitmentRow } from './commitments.projection.js';
import { connectionOf, type Connection } from '../graphql/paging.js';

const commitmentEntity = (commitment: Commitment) => ({
  type: 'commitment' as const,
  id: commitment.id,
});

/** The acts of a commitment's life up to the moment shown: declared, then ended (if so). */
async function actsOf(ctx: GqlContext, commitment: Commitment): Promise<Act[]> {
  const entries = await entriesOf(
    ctx,
    commitment.view,
    commitmentEntity(commitment),
    commitmentFieldsSet.eventTypes,
  );
  return Promise.all(entries.map((entry) => actOf(ctx, entry, commitment.view)));
}

@InputType({ description: 'Narrows the list of commitments; every criterion given must hold.' })
class CommitmentFilter {
  @Field(() => ID, { nullable: true }) actorId?: string;
  @Field(() => ID, { nullable: true }) measureId?: string;
  @Field(() => ID, { nullable: true }) masterplanId?: string;
  @Field(() => CommitmentStatusValue, { nullable: true }) status?: string;
  @Field({
    nullable: true,
    description:
      'Only commitments to the masterplan as a whole (true) or only to measures (false).',
  })
  wholeMasterplan?: boolean;
  @Field({
    nullable: true,
    description:
      'Only active commitments whose due date is before this ISO date (pass today to find those overdue now).',
  })
  overdueOn?: string;
}

@InputType()
class DeclareCommitmentInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'Choose the id, or leave it to the server.' })
  commitmentId?: string;
  @Field(() => ID, { description: 'The actor committing; you must be one of its representatives.' })
  actorId!: string;
  @Field(() => ID) masterplanId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The measure; leave out to commit to the masterplan as a whole.',
  })
  measureId?: string;
  @Field() statement!: string;
  @Field({ nullable: true }) resources?: string;
  @Field({ nullable: true, description: 'ISO date.' }) dueDate?: string;
}
@InputType()
class WithdrawCommitmentInput extends MutationInput {
  @Field(() => ID) commitmentId!: string;
  @Field() reason!: string;
}
@InputType()
class FulfilCommitmentInput extends MutationInput {
  @Field(() => ID) commitmentId!: string;
  @Field() note!: string;
}

@Resolver(() => Commitment)
export class CommitmentsResolver {
  /** Runs a mutation of a commitment and answers with the commitment as it then stands. */
  private readonly mutate: Mutate<CommitmentPayload, DomainCommand<{ commitmentId: string }>>;

  constructor(mutations: MutationRunner) {
    this.mutate = mutations.answeringWith(commitmentPayload);
  }

  @Query(() => CommitmentConnection, {
    description: 'Commitments, filtered and paged: who committed to what.',
  })
  async commitments(
    @Context() ctx: GqlContext,
    @Args('filter', { type: () => CommitmentFilter, nullable: true }) filter?: CommitmentFilter,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<Connection<Commitment>> {
    if (first < 1 || first > 500) throw badInput('first must be between 1 and 500', 'first');
    if (
      filter?.overdueOn != null &&
      !(/^\d{4}-\d{2}-\d{2}$/.test(filter.overdueOn) && isRealDate(filter.overdueOn))
    )
      throw badInput(
        `overdueOn must be an ISO 8601 date such as 2013-11-20, not '${filter.overdueOn.slice(0, 40)}'`,
        'overdueOn',
      );
    const view = ctx.view;
    return connectionOf<CommitmentRow, Commitment>(
      view,
      (sql, params) => view.read(sql, ...params, { at: view.at }),
      commitmentList(filter ?? {}),
      { first, ...(after != null ? { after: positionAfter(after, view.lastApplied) } : {}) },
      (rows) => rows.map((r) => toCommitment(r, view)),
    );
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'The user who declared it for the actor: for administrators and the actor’s representatives, null for others.',
  })
  async declaredBy(
    @Context() ctx: GqlContext,
    @Parent() commitment: Commitment,
  ): Promise<string | null> {
    return (await maySeePeopleOf(ctx, commitment.actorId)) ? commitment.declaredBy : null;
  }

  @ResolveField(() => Actor)
  actor(@Parent() commitment: Commitment): Promise<Actor> {
    return loadActor(commitment.view, commitment.actorId);
  }

  @ResolveField(() => Measure, {
    nullable: true,
    description: 'The measure, unless the commitment is to the masterplan as a whole.',
  })
  measure(@Parent() commitment: Commitment): Promise<Measure> | null {
    return commitment.measureId ? loadMeasure(commitment.view, commitment.measureId) : null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() commitment: Commitment): Promise<Masterplan> {
    return loadMasterplan(commitment.view, commitment.masterplanId);
  }

  @ResolveField(() => [FieldProvenance], { description: PROVENANCE_DESCRIPTION })
  provenance(
    @Context() ctx: GqlContext,
    @Parent() commitment: Commitment,
  ): Promise<FieldProvenance[]> {
    return fieldProvenance(ctx, commitment.view, commitmentEntity(commitment), commitmentFieldsSet);
  }

  @ResolveField(() => Act, {
    description: 'Who declared it, for which organisation, when. Needs a token.',
  })
  async created(@Context() ctx: GqlContext, @Parent() commitment: Commitment): Promise<Act> {
    const [declared] = await actsOf(ctx, commitment);
    if (!declared)
      throw new GraphQLError(
        'The audit trail has not caught up with this commitment yet (each read model follows the log on its own); ask again in a moment',
        { extensions: { code: 'READ_MODEL_LAGGING' } },
      );
    return declared;
  }

  @ResolveField(() => Act, {
    nullable: true,
    description:
      'Who ended it (fulfilled or withdrawn), for which organisation, when; null while active. Needs a token.',
  })
  async ended(@Context() ctx: GqlContext, @Parent() commitment: Commitment): Promise<Act | null> {
    return (await actsOf(ctx, commitment))[1] ?? null;
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Declared, fulfilled or withdrawn: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() commitment: Commitment,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEntry>> {
    return auditConnection(
      ctx,
      commitment.view,
      { entityType: 'commitment', entityId: commitment.id },
      page,
    );
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Publicly commit your organisation to a measure or to the masterplan. Representatives of the actor only; one active commitment per actor and measure.',
  })
  declareCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: DeclareCommitmentInput,
  ): Promise<CommitmentPayload> {
    return this.mutate(ctx, input, 'declare commitments', (meta) => {
      const commitmentId = input.commitmentId ?? newEntityId(meta, 'DeclareCommitment');
      const { actorId, masterplanId, measureId, statement, resources, dueDate } = input;
      const data = {
        commitmentId,
        actorId,
        masterplanId,
        statement,
        ...filledIn({ measureId, resources, dueDate }),
      };
      return new DeclareCommitment(data, meta);
    });
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Withdraw a commitment, with a reason; it stays in history as withdrawn. Representatives of the actor only.',
  })
  withdrawCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: WithdrawCommitmentInput,
  ): Promise<CommitmentPayload> {
    return this.mutate(ctx, input, 'withdraw commitments', async (meta) => {
      const target = await this.targetOf(ctx, input.commitmentId);
      return new WithdrawCommitment({ ...target, reason: input.reason }, meta);
    });
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Report a commitment as fulfilled: a representative of the actor, or an administrator confirming it.',
  })
  fulfilCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: FulfilCommitmentInput,
  ): Promise<CommitmentPayload> {
    return this.mutate(ctx, input, 'fulfil commitments', async (meta) => {
      const target = await this.targetOf(ctx, input.commitmentId);
      return new FulfilCommitment({ ...target, note: input.note }, meta);
    });
  }

  /** Where a commitment lives (its measure or masterplan stream); the decider checks it again. */
  private async targetOf(ctx: GqlContext, commitmentId: string) {
    const row = await ctx.view.loader(commitmentById).load(commitmentId);
    if (!row) throw notFoundError('commitment', commitmentId);
    return {
      commitmentId,
      masterplanId: row.masterplan_id,
      ...(row.measure_id ? { measureId: row.measure_id } : {}),
    };
  }
}
