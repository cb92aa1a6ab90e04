import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Configuration } from './configuration.js';

/** The injection token of the one Configuration the application runs with. */
export const CONFIGURATION = Symbol('Configuration');

/** Makes the configuration, read and checked once at start, available to every module. */
@Global()
@Module({})
export class ConfigurationModule {
  static forRoot(configuration: Configuration): DynamicModule {
    return {
      module: ConfigurationModule,
      providers: [{ provide: CONFIGURATION, useValue: configuration }],
      exports: [CONFIGURATION],
    };
  }
}
