import { Controller, Get, Inject } from '@nestjs/common';
import { SIGNING_KEY, publicJwks, type SigningKey } from '@ml/auth';

/** The server's public key, for checking its checkpoints (and tokens) without it. */
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(SIGNING_KEY) private readonly key: SigningKey) {}

  @Get('jwks.json')
  jwks() {
    return publicJwks(this.key);
  }
}
