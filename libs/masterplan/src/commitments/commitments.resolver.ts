import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { auditConnection, PageArgs } from '../audit/audit.resolver.js';
import { encodeCursor } from '../audit/audit-trail.js';
import { badInput, notFoundError, positionAfter, type GqlContext } from '../graphql/context.js';
import { CommitmentStatusValue } from '../graphql/enums.js';
import { validAt } from '../read-store/temporal.js';
import { load } from '../graphql/loaders.js';
import { maySeePeopleOf } from '../graphql/readers.js';
import { toCommitment } from '../graphql/mappers.js';
import {
  Actor,
  AuditEntryConnection,
  Commitment,
  Masterplan,
  Measure,
  PageInfo,
} from '../graphql/models.js';
import { MutationInput, MutationRunner } from '../graphql/mutation-runner.js';
import { changed, CommitmentPayload } from '../graphql/payloads.js';
import type { CommitmentRow } from '../read-store/rows.js';
import type { CommandOutcome } from '../shared/command-executor.js';
import { DeclareCommitment, FulfilCommitment, WithdrawCommitment } from './commitment.handlers.js';

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
}

@ObjectType()
class CommitmentEdge {
  @Field() cursor!: string;
  @Field(() => Commitment) node!: Commitment;
}
@ObjectType({ description: 'A page of commitments, in the order they were declared.' })
class CommitmentConnection {
  @Field(() => [CommitmentEdge]) edges!: CommitmentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
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
  constructor(private readonly mutations: MutationRunner) {}

  @Query(() => CommitmentConnection, {
    description: 'Commitments, filtered and paged: who committed to what.',
  })
  async commitments(
    @Context() ctx: GqlContext,
    @Args('filter', { type: () => CommitmentFilter, nullable: true }) filter?: CommitmentFilter,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<CommitmentConnection> {
    if (first < 1 || first > 500) throw badInput('first must be between 1 and 500', 'first');
    await ctx.view.pause();
    const where: string[] = [validAt()];
    const params: unknown[] = [];
    const equal = (column: string, value: unknown) => {
      if (value != null) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    };
    equal('actor_id', filter?.actorId);
    equal('measure_id', filter?.measureId);
    equal('masterplan_id', filter?.masterplanId);
    equal('status', filter?.status);
    if (filter?.wholeMasterplan != null)
      where.push(filter.wholeMasterplan ? 'measure_id IS NULL' : 'measure_id IS NOT NULL');
    if (after != null) {
      where.push('position > ?');
      params.push(positionAfter(after, ctx.view.lastApplied));
    }
    const rows = ctx.view.store.all<CommitmentRow>(
      `SELECT * FROM commitments WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`,
      ...params,
      first + 1,
      { at: ctx.view.at },
    );
    const edges = rows
      .slice(0, first)
      .map((r) => ({ cursor: encodeCursor(r.position), node: toCommitment(r, ctx.view) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
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
    return load.actor(commitment.view, commitment.actorId);
  }

  @ResolveField(() => Measure, {
    nullable: true,
    description: 'The measure, unless the commitment is to the masterplan as a whole.',
  })
  measure(@Parent() commitment: Commitment): Promise<Measure> | null {
    return commitment.measureId ? load.measure(commitment.view, commitment.measureId) : null;
  }

  @ResolveField(() => Masterplan)
  masterplan(@Parent() commitment: Commitment): Promise<Masterplan> {
    return load.masterplan(commitment.view, commitment.masterplanId);
  }

  @ResolveField(() => AuditEntryConnection, {
    description: 'Declared, fulfilled or withdrawn: by whom and when. Needs a token.',
  })
  history(
    @Context() ctx: GqlContext,
    @Parent() commitment: Commitment,
    @Args() page: PageArgs,
  ): Promise<AuditEntryConnection> {
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
  async declareCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: DeclareCommitmentInput,
  ): Promise<CommitmentPayload> {
    const meta = this.mutations.metadata(ctx, input, 'declare commitments');
    const commitmentId = this.mutations.newId(meta, 'DeclareCommitment', input.commitmentId);
    const { actorId, masterplanId, measureId, statement, resources, dueDate } = input;
    const data = {
      commitmentId,
      actorId,
      masterplanId,
      statement,
      ...(measureId ? { measureId } : {}),
      ...(resources ? { resources } : {}),
      ...(dueDate ? { dueDate } : {}),
    };
    return this.answer(
      ctx,
      await this.mutations.run(ctx, new DeclareCommitment(data, meta)),
      commitmentId,
    );
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Withdraw a commitment, with a reason; it stays in history as withdrawn. Representatives of the actor only.',
  })
  async withdrawCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: WithdrawCommitmentInput,
  ): Promise<CommitmentPayload> {
    const meta = this.mutations.metadata(ctx, input, 'withdraw commitments');
    const target = await this.targetOf(ctx, input.commitmentId);
    return this.answer(
      ctx,
      await this.mutations.run(
        ctx,
        new WithdrawCommitment({ ...target, reason: input.reason }, meta),
      ),
      input.commitmentId,
    );
  }

  @Mutation(() => CommitmentPayload, {
    description:
      'Report a commitment as fulfilled: a representative of the actor, or an administrator confirming it.',
  })
  async fulfilCommitment(
    @Context() ctx: GqlContext,
    @Args('input') input: FulfilCommitmentInput,
  ): Promise<CommitmentPayload> {
    const meta = this.mutations.metadata(ctx, input, 'fulfil commitments');
    const target = await this.targetOf(ctx, input.commitmentId);
    return this.answer(
      ctx,
      await this.mutations.run(ctx, new FulfilCommitment({ ...target, note: input.note }, meta)),
      input.commitmentId,
    );
  }

  /** Where a commitment lives (its measure or masterplan stream); the decider checks it again. */
  private async targetOf(ctx: GqlContext, commitmentId: string) {
    const row = await ctx.view.commitment.load(commitmentId);
    if (!row) throw notFoundError('commitment', commitmentId);
    return {
      commitmentId,
      masterplanId: row.masterplan_id,
      ...(row.measure_id ? { measureId: row.measure_id } : {}),
    };
  }

  private async answer(
    ctx: GqlContext,
    outcome: CommandOutcome,
    commitmentId: string,
  ): Promise<CommitmentPayload> {
    return { ...changed(outcome), commitment: await load.commitment(ctx.view, commitmentId) };
  }
}
