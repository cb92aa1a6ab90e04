import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when ready to serve, 503 when not, with what is wrong (for load balancers and people). */
  @Get()
  check(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.ready(reply);
  }

  /** Readiness: the event store answers and every read model and reaction follows the log. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const health = await this.health.check();
    reply.status(health.status === 'ok' ? 200 : 503);
    return health;
  }

  /** Liveness: the process answers. A stopped read model is no reason to restart it. */
  @Get('live')
  live() {
    return { status: 'live' };
  }
}
