import { Global, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { COMMAND_METER, MasterplanModule, Projector, ReactionRunner } from '@ml/masterplan';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

/** `/metrics`, and the application's one Metrics, which the command path reports to. */
@Global()
@Module({})
export class MetricsModule implements OnModuleInit {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      imports: [MasterplanModule],
      controllers: [MetricsController],
      providers: [
        { provide: Metrics, useValue: metrics },
        { provide: COMMAND_METER, useValue: metrics },
      ],
      exports: [Metrics, COMMAND_METER],
    };
  }

  constructor(
    private readonly metrics: Metrics,
    private readonly projector: Projector,
    private readonly reactions: ReactionRunner,
  ) {}

  onModuleInit(): void {
    this.metrics.watchFollowers(
      () => this.projector.status(),
      () => this.reactions.status(),
    );
  }
}
