import { Module } from '@nestjs/common';
import { AuthModule } from '@ml/auth';
import { MasterplanModule } from '@ml/masterplan';
import { ExportsController } from './exports.controller.js';

@Module({
  imports: [AuthModule, MasterplanModule],
  controllers: [ExportsController],
})
export class ExportsModule {}
