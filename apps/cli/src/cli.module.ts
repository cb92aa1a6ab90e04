import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigurationModule, type Configuration } from '@ml/config';
import { EventStoreModule } from '@ml/event-store';
import { MasterplanModule } from '@ml/masterplan';

/** What the command-line verbs need: the store the configuration names, and the domain. */
@Module({})
export class CliModule {
  static forRoot(configuration: Configuration): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigurationModule.forRoot(configuration),
        EventStoreModule.forRoot(),
        MasterplanModule,
      ],
    };
  }
}
