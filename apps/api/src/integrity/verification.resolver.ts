import { Inject } from '@nestjs/common';
import { Context, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import {
  EVENT_STORE,
  EVENT_STORE_CONFIG,
  verifyChains,
  type EventStore,
  type EventStoreConfig,
  type Verification,
} from '@ml/event-store';
import { requireUser, type GqlContext } from '@ml/masterplan';

@ObjectType({ description: 'The first link of the hash chain that does not hold.' })
export class ChainBreakModel {
  @Field({ description: 'Log position of the event.' }) position!: string;
  @Field(() => ID) eventId!: string;
  @Field() eventType!: string;
  @Field() streamId!: string;
  @Field(() => Int) revision!: number;
  @Field({ description: 'What is wrong with it, in words.' }) problem!: string;
}

@ObjectType({
  description:
    'The log’s hash chains recomputed from the stored events (docs/integrity.md): whether every link holds, up to where, or the first that does not.',
})
export class AuditVerification {
  @Field({ description: 'True when every link holds.' }) verified!: boolean;
  @Field(() => Int, { description: 'Events read (up to and including a break).' })
  events!: number;
  @Field(() => Int, {
    description: 'Events from before the chain existed, covered by its genesis checkpoint.',
  })
  unlinkedEvents!: number;
  @Field(() => String, { nullable: true, description: 'The last event verified.' })
  headPosition!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The log link of the last event verified (embedded engine).',
  })
  headHash!: string | null;
  @Field(() => ChainBreakModel, { nullable: true }) firstBreak!: ChainBreakModel | null;
}

const toModel = (v: Verification): AuditVerification => ({
  verified: v.broken === undefined,
  events: v.events,
  unlinkedEvents: v.unlinked,
  headPosition: v.head?.position ?? null,
  headHash: v.head?.logHash ?? null,
  firstBreak: v.broken ?? null,
});

@Resolver()
export class VerificationResolver {
  /** One verification at a time; those asking meanwhile share its answer. */
  private running: Promise<AuditVerification> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_CONFIG) private readonly config: EventStoreConfig,
  ) {}

  @Query(() => AuditVerification, {
    description:
      'Recomputes the hash chains over the whole log and names the first broken link. Administrators only. It reads every event (about 20,000 per second), so a long log takes a while; other requests are served meanwhile, and callers asking during a run share its answer.',
  })
  async verifyAuditTrail(@Context() ctx: GqlContext): Promise<AuditVerification> {
    if (!requireUser(ctx, 'verify the audit trail').isAdministrator)
      throw new GraphQLError('Only administrators may verify the audit trail', {
        extensions: { code: 'FORBIDDEN', reason: 'ADMINISTRATORS_ONLY' },
      });
    this.running ??= this.verify().finally(() => (this.running = undefined));
    return this.running;
  }

  private async verify(): Promise<AuditVerification> {
    let read = 0;
    const store = this.store;
    // Gives the event loop back every thousand events: hashing a long log takes seconds.
    async function* yielding() {
      for await (const event of store.readAll()) {
        if (++read % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
        yield event;
      }
    }
    return toModel(await verifyChains(yielding(), { logChain: this.config.engine === 'sqlite' }));
  }
}
