import { Module } from '@nestjs/common';
import { EVENT_STORE_CONFIG, type EventStoreConfig } from '@ml/event-store';
import { loadOrCreateSigningKey, type SigningKey } from './signing-key.js';
import { externalProviderFromEnv, TokenVerifier } from './tokens.js';

export const SIGNING_KEY = Symbol('SigningKey');

@Module({
  providers: [
    {
      provide: SIGNING_KEY,
      useFactory: (config: EventStoreConfig) => loadOrCreateSigningKey(config.dataDir),
      inject: [EVENT_STORE_CONFIG],
    },
    {
      provide: TokenVerifier,
      useFactory: (key: SigningKey) => TokenVerifier.create(key, externalProviderFromEnv()),
      inject: [SIGNING_KEY],
    },
  ],
  exports: [SIGNING_KEY, TokenVerifier],
})
export class AuthModule {}
