import { Controller, Get, Headers, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Metrics } from './metrics.js';
import { SecurityLog } from '../security/security-log.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

@Controller('metrics')
export class MetricsController {
  private readonly expected?: Buffer;

  constructor(
    private readonly metrics: Metrics,
    private readonly security: SecurityLog,
  ) {
    if (metrics.settings.token) this.expected = digest(`Bearer ${metrics.settings.token}`);
  }

  /** Prometheus' text format; with METRICS_TOKEN set, only for `Authorization: Bearer <it>`. */
  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    // Compared as digests: equal lengths, and the time taken says nothing about the token.
    if (this.expected && !timingSafeEqual(digest(authorization ?? ''), this.expected)) {
      const message = '/metrics needs Authorization: Bearer <METRICS_TOKEN>';
      this.security.refusedRequest(reply.request, 'UNAUTHENTICATED', message);
      throw new UnauthorizedException(message);
    }
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.scrape();
  }
}
