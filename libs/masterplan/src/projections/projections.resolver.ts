import { Query, Resolver } from '@nestjs/graphql';
import { ProjectionStatusModel } from './projections.graphql.js';
import { ReactionRunner } from '../reactions/reaction-runner.js';
import { Projector } from './projector.js';

@Resolver()
export class ProjectionsResolver {
  constructor(
    private readonly projector: Projector,
    private readonly reactions: ReactionRunner,
  ) {}

  @Query(() => [ProjectionStatusModel], {
    description:
      'How far each of this server’s read models, and its reactions, have followed the event log: checkpoint, head, and lag in events and seconds.',
  })
  async projectionStatus(): Promise<ProjectionStatusModel[]> {
    const [readModels, reactions] = await Promise.all([
      this.projector.status(),
      this.reactions.status(),
    ]);
    return [...readModels, reactions];
  }
}
