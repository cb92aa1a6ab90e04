import { Inject, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { CONFIGURATION, type Configuration } from '@ml/config';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import {
  SIGNING_KEY,
  latestCheckpoints,
  signCheckpoint,
  type SignedCheckpoint,
  type SigningKey,
} from '@ml/auth';
import { DateTime, badInput, requireUser, type GqlContext } from '@ml/masterplan';

@ObjectType({
  description:
    'The head of the log signed with the server’s key: checkable with its public key alone (GET /.well-known/jwks.json; docs/integrity.md).',
})
export class AuditCheckpoint {
  @Field({ description: 'The last event of the log when it was signed.' }) position!: string;
  @Field(() => ID) eventId!: string;
  @Field({ description: 'That event’s stream link.' }) streamLink!: string;
  @Field(() => String, {
    nullable: true,
    description: 'That event’s log link: the head of the whole log’s chain (embedded engine).',
  })
  logHash!: string | null;
  @Field(() => DateTime) signedAt!: Date;
  @Field({ description: 'The signing key’s id (kid).' }) keyId!: string;
  @Field({ description: 'The payload signed: a compact JWS (ES256).' }) jws!: string;
  @Field({ description: 'The log position of the checkpoint’s own event.' })
  recordedAt!: string;
}

const toModel = (c: SignedCheckpoint): AuditCheckpoint => ({
  ...c,
  signedAt: new Date(c.signedAt),
});

@Resolver(() => AuditCheckpoint)
export class CheckpointsResolver implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CONFIGURATION) private readonly configuration: Configuration,
  ) {}

  onModuleInit(): void {
    const minutes = this.configuration.AUDIT_CHECKPOINT_MINUTES;
    if (minutes === 0) return;
    const logger = new Logger('Integrity');
    this.timer = setInterval(() => {
      signCheckpoint(this.store, this.key, { always: false }).then(
        (signed) =>
          signed && logger.log(`Signed the head of the log at position ${signed.position}`),
        (error: Error) => logger.warn(`Could not sign the head of the log: ${error.message}`),
      );
    }, minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  @Mutation(() => AuditCheckpoint, {
    description:
      'Signs the head of the log now and appends the checkpoint to the log. Administrators only. The server also signs every AUDIT_CHECKPOINT_MINUTES (default 60) when there is something new.',
  })
  async signAuditCheckpoint(@Context() ctx: GqlContext): Promise<AuditCheckpoint> {
    if (!requireUser(ctx, 'sign a checkpoint').isAdministrator)
      throw new GraphQLError('Only administrators may sign a checkpoint of the log', {
        extensions: { code: 'FORBIDDEN', reason: 'ADMINISTRATORS_ONLY' },
      });
    const signed = await signCheckpoint(this.store, this.key, { always: true });
    if (!signed)
      throw new GraphQLError('The log is empty: there is nothing to sign yet', {
        extensions: { code: 'RULE_VIOLATED', reason: 'EMPTY_LOG' },
      });
    return toModel(signed);
  }

  @Query(() => [AuditCheckpoint], {
    description: 'The latest signed checkpoints of the log, newest first. Public.',
  })
  async auditCheckpoints(
    @Args('last', { type: () => Int, defaultValue: 10, description: '1 to 100.' }) last: number,
  ): Promise<AuditCheckpoint[]> {
    if (last < 1 || last > 100) throw badInput('last must be between 1 and 100', 'last');
    return (await latestCheckpoints(this.store, last)).map(toModel);
  }
}
