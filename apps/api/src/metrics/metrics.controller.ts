import { Controller, Get, Headers, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Metrics } from './metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

@Controller('metrics')
export class MetricsController {
  private readonly expected?: Buffer;

  constructor(private readonly metrics: Metrics) {
    if (metrics.settings.token) this.expected = digest(`Bearer ${metrics.settings.token}`);
  }

  /** Prometheus' text format; with METRICS_TOKEN set, only for `Authorization: Bearer <it>`. */
  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    // Compared as digests: equal lengths, and the time taken says nothing about the token.
    if (this.expected && !timingSafeEqual(digest(authorization ?? ''), this.expected))
      throw new UnauthorizedException('/metrics needs Authorization: Bearer <METRICS_TOKEN>');
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.scrape();
  }
}
