import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** The same as /health/ready (the path of older versions, and of the Docker image). */
  @Get()
  @HealthCheck()
  check() {
    return this.ready();
  }

  /**
   * Readiness: 200 when the event store answers, every read model runs within the lag bound
   * and the reactions run; 503 otherwise, naming what is not (Terminus' answer: `status`,
   * `info`, `error`, `details`). Load balancers and orchestrators' readiness probes ask here.
   */
  @Get('ready')
  @HealthCheck()
  async ready() {
    const checks = await this.health.checks();
    return this.terminus.check(
      checks.map((check) => () => {
        const indicator = this.indicators.check(check.name);
        return check.up ? indicator.up(check.says) : indicator.down(check.says);
      }),
    );
  }

  /** Liveness: the process answers. A stopped read model is no reason to restart it. */
  @Get('live')
  live() {
    return { status: 'live' };
  }
}
