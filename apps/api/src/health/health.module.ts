import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MasterplanModule } from '@ml/masterplan';
import { HealthController } from './health.controller.js';
import { HealthResolver } from './health.resolver.js';
import { HealthService, READINESS_SETTINGS } from './health.service.js';
import type { ReadinessSettings } from './readiness.js';

@Module({})
export class HealthModule {
  static forRoot(settings: ReadinessSettings): DynamicModule {
    return {
      module: HealthModule,
      // Terminus logs nothing itself: a failing probe comes every few seconds; the health
      // service logs when readiness changes, with what only the log may say.
      imports: [MasterplanModule, TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        HealthService,
        HealthResolver,
        { provide: READINESS_SETTINGS, useValue: settings },
      ],
    };
  }
}
