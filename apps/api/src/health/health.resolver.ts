import { Query, Resolver } from '@nestjs/graphql';
import { Health } from './health.model.js';
import { HealthService } from './health.service.js';

@Resolver(() => Health)
export class HealthResolver {
  constructor(private readonly service: HealthService) {}

  @Query(() => Health, {
    description: 'The state of the server and its event store; needs no token.',
  })
  health(): Promise<Health> {
    return this.service.check();
  }
}
