import { Module } from '@nestjs/common';
import { MasterplanModule } from '@ml/masterplan';
import { HealthController } from './health.controller.js';
import { HealthResolver } from './health.resolver.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [MasterplanModule],
  controllers: [HealthController],
  providers: [HealthService, HealthResolver],
})
export class HealthModule {}
