import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type EventStoreHealth } from '@ml/event-store';
import { Projector, ReactionRunner } from '@ml/masterplan';
import type { Health } from './health.model.js';
import { readinessOf, type Check, type ReadinessSettings } from './readiness.js';

export const READINESS_SETTINGS = Symbol('ReadinessSettings');

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');
  /** What the last check found wrong, to log only when that changes (probes come often). */
  private lastProblems = '';
  private evaluating?: Promise<{ store: EventStoreHealth; checks: Check[] }>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly reactions: ReactionRunner,
    @Inject(READINESS_SETTINGS) private readonly settings: ReadinessSettings,
  ) {}

  /**
   * Ready to serve (see readinessOf). A follower stopped on an event it cannot apply makes
   * the server not ready (the process stays up and answers from what it has), so a load
   * balancer sends requests elsewhere while an operator looks (docs/operations.md).
   */
  async checks(): Promise<Check[]> {
    return (await this.evaluate()).checks;
  }

  /** The `health` query's answer: the same checks, said for a person. */
  async check(): Promise<Health> {
    const { store, checks } = await this.evaluate();
    return {
      status: checks.every((check) => check.up) ? 'ok' : 'degraded',
      problems: checks.filter((check) => !check.up).map(problemOf),
      engine: store.engine,
      state: store.state,
      // What the engine says of itself when up (mode, durability, size); an error's text
      // when down could name files or hosts, so it goes to the log.
      detail: store.state === 'up' ? store.detail : 'does not answer (the server log says why)',
    };
  }

  /**
   * The checks read the log (up to the lag bound past each checkpoint): requests asking at
   * the same time share one reading, so a flood of probes costs no more than one at a time.
   */
  private evaluate(): Promise<{ store: EventStoreHealth; checks: Check[] }> {
    this.evaluating ??= this.evaluateNow().finally(() => (this.evaluating = undefined));
    return this.evaluating;
  }

  private async evaluateNow(): Promise<{ store: EventStoreHealth; checks: Check[] }> {
    const [store, readModels, reactions] = await Promise.all([
      this.store.health(),
      // Counted one past the bound: enough to tell, and no more read.
      this.projector.status(this.settings.maxLagEvents + 1),
      // Their lag is not bounded: their state is what counts.
      this.reactions.status(1),
    ]);
    const checks = readinessOf(store, readModels, reactions, this.settings);
    this.logChange(checks);
    return { store, checks };
  }

  private logChange(checks: Check[]): void {
    const down = checks.filter((check) => !check.up);
    const problems = down.map(problemOf).join('; ');
    if (problems === this.lastProblems) return;
    this.lastProblems = problems;
    if (down.length === 0) this.logger.log('ready: every check is up again');
    else
      this.logger.warn(`not ready: ${problems}`, {
        checks: Object.fromEntries(
          down.map((check) => [
            check.name,
            { ...check.says, ...(check.detail ? { detail: check.detail } : {}) },
          ]),
        ),
      });
  }
}

const problemOf = (check: Check) => `${check.name} ${check.says.message ?? 'down'}`;
