import { Context, Query, Resolver } from '@nestjs/graphql';
import type { GqlContext } from '../graphql/context.js';
import { ProjectionStatusModel } from './projections.graphql.js';
import { ReactionRunner } from '../reactions/reaction-runner.js';
import { Projector } from './projector.js';

const FOR_ADMINISTRATORS = 'told to administrators, and in the server log';

@Resolver()
export class ProjectionsResolver {
  constructor(
    private readonly projector: Projector,
    private readonly reactions: ReactionRunner,
  ) {}

  @Query(() => [ProjectionStatusModel], {
    description:
      'How far each of this server’s read models, and its reactions, have followed the event log: checkpoint, head, and lag in events and seconds. What went wrong (`failure.message`, `lastError`) is told to administrators only: an error’s text can name files, hosts or data.',
  })
  async projectionStatus(@Context() ctx: GqlContext): Promise<ProjectionStatusModel[]> {
    const [readModels, reactions] = await Promise.all([
      this.projector.status(),
      this.reactions.status(),
    ]);
    const all = [...readModels, reactions];
    if (ctx.user?.isAdministrator) return all;
    return all.map((status) => ({
      ...status,
      ...(status.failure ? { failure: { ...status.failure, message: FOR_ADMINISTRATORS } } : {}),
      ...(status.lastError ? { lastError: FOR_ADMINISTRATORS } : {}),
    }));
  }
}
