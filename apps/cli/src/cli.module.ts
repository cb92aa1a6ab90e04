import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ml/event-store';
import { MasterplanModule } from '@ml/masterplan';

/** What the command-line verbs need: the store (from the environment) and the domain. */
@Module({ imports: [EventStoreModule.forRoot(), MasterplanModule] })
export class CliModule {}
