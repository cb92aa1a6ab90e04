import { Logger, Module } from '@nestjs/common';
import { CONFIGURATION, type Configuration } from '@ml/config';
import { EVENT_STORE_CONFIG, type EventStoreConfig } from '@ml/event-store';
import { loadOrCreateSigningKey, type SigningKey } from './signing-key.js';
import { externalProviderOf, TokenVerifier } from './tokens.js';

export const SIGNING_KEY = Symbol('SigningKey');

@Module({
  providers: [
    {
      provide: SIGNING_KEY,
      useFactory: (config: EventStoreConfig, configuration: Configuration) =>
        loadOrCreateSigningKey(config.dataDir, configuration.JWT_PRIVATE_KEY_FILE, (message) =>
          new Logger('SigningKey').warn(message),
        ),
      inject: [EVENT_STORE_CONFIG, CONFIGURATION],
    },
    {
      provide: TokenVerifier,
      useFactory: (key: SigningKey, configuration: Configuration) =>
        TokenVerifier.create(key, externalProviderOf(configuration)),
      inject: [SIGNING_KEY, CONFIGURATION],
    },
  ],
  exports: [SIGNING_KEY, TokenVerifier],
})
export class AuthModule {}
