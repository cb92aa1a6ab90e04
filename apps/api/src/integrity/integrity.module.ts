import { Module } from '@nestjs/common';
import { AuthModule } from '@ml/auth';
import { CheckpointsResolver } from './checkpoints.resolver.js';
import { JwksController } from './jwks.controller.js';
import { VerificationResolver } from './verification.resolver.js';

/** Tamper evidence: the hash chains verified, the head of the log signed (docs/integrity.md). */
@Module({
  imports: [AuthModule],
  controllers: [JwksController],
  providers: [VerificationResolver, CheckpointsResolver],
})
export class IntegrityModule {}
