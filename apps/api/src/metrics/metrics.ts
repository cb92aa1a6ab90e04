import type { Configuration } from '@ml/config';
import type { WriteObserver } from '@ml/event-store';
import type { CommandMeter, FollowerStatus } from '@ml/masterplan';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSettings {
  /** METRICS_TOKEN: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
  token?: string;
}

/** METRICS_TOKEN (unset: `/metrics` is open, to be restricted at the proxy). */
export function metricsSettingsOf(configuration: Configuration): MetricsSettings {
  return configuration.METRICS_TOKEN ? { token: configuration.METRICS_TOKEN } : {};
}

/** From a millisecond to ten seconds: commands and operations, fast and slow. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What the server counts and measures, in Prometheus' text format at `/metrics`. One
 * registry per application instance (tests run several in one process). Labels take only
 * values the server knows in advance (command classes, schema root fields, error codes,
 * read model names), never what a client names, so the series stay few.
 */
export class Metrics implements CommandMeter, WriteObserver {
  readonly registry = new Registry();
  private readonly commands = new Histogram({
    name: 'masterplan_command_duration_seconds',
    help: 'Mutations by command and outcome (ok, or the error code answered): from sending the command to the read models showing its change',
    labelNames: ['command', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly operations = new Histogram({
    name: 'masterplan_graphql_operation_duration_seconds',
    help: 'GraphQL queries and mutations (HTTP and WebSocket), and the messages of subscriptions (one per message made: subscribers who get the same message share it), by type, root field and outcome (ok, or the first error code): their execution',
    labelNames: ['type', 'field', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly appends = new Counter({
    name: 'masterplan_event_store_appends_total',
    help: 'Appends to the event store: written, or refused (a revision check failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'masterplan_event_store_events_appended_total',
    help: 'Events written to the event store',
    registers: [this.registry],
  });
  private readonly groups = new Histogram({
    name: 'masterplan_event_store_group_commit_appends',
    help: 'Appends written by one commit (the embedded store commits the appends made together in one transaction; EventStoreDB, each on its own)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  private readonly lagEvents = new Gauge({
    name: 'masterplan_read_model_lag_events',
    help: 'Events in the log that a read model has not applied yet (counted up to 10,000)',
    labelNames: ['read_model'] as const,
    registers: [this.registry],
  });
  private readonly lagSeconds = new Gauge({
    name: 'masterplan_read_model_lag_seconds',
    help: 'Age of the oldest event a read model has not applied yet; 0 when up to date',
    labelNames: ['read_model'] as const,
    registers: [this.registry],
  });
  private readonly failed = new Gauge({
    name: 'masterplan_read_model_failed',
    help: '1 when a read model stopped on an event it cannot apply (docs/operations.md), else 0',
    labelNames: ['read_model'] as const,
    registers: [this.registry],
  });
  private readonly reactionsLagEvents = new Gauge({
    name: 'masterplan_reactions_lag_events',
    help: 'Events in the log the reactions have not handled yet (counted up to 10,000)',
    registers: [this.registry],
  });
  private readonly reactionsLagSeconds = new Gauge({
    name: 'masterplan_reactions_lag_seconds',
    help: 'Age of the oldest event the reactions have not handled yet; 0 when up to date',
    registers: [this.registry],
  });
  private readonly reactionsFailed = new Gauge({
    name: 'masterplan_reactions_failed',
    help: '1 when the reactions stopped on an event (docs/operations.md), else 0',
    registers: [this.registry],
  });
  private countSubscriptions = () => 0;
  private countSockets = () => 0;
  private readonly refreshes: Array<() => Promise<void>> = [];
  private refreshing?: Promise<unknown>;

  constructor(readonly settings: MetricsSettings = {}) {
    collectDefaultMetrics({ register: this.registry });
    const subscriptions: Gauge = new Gauge({
      name: 'masterplan_graphql_subscriptions_open',
      help: 'GraphQL subscriptions open on WebSockets',
      registers: [this.registry],
      collect: () => subscriptions.set(this.countSubscriptions()),
    });
    const sockets: Gauge = new Gauge({
      name: 'masterplan_websocket_connections_open',
      help: 'WebSocket connections open (graphql-transport-ws)',
      registers: [this.registry],
      collect: () => sockets.set(this.countSockets()),
    });
  }

  commandFinished(command: string, outcome: string, seconds: number): void {
    this.commands.observe({ command, outcome }, seconds);
  }

  /** `field`: the root field it runs (one label per schema field, whatever clients name). */
  operationFinished(type: string, field: string, outcome: string, seconds: number): void {
    this.operations.observe({ type, field, outcome }, seconds);
  }

  committed(group: { written: number; events: number; refused: number }): void {
    if (group.written > 0) {
      this.appends.inc({ outcome: 'written' }, group.written);
      this.events.inc(group.events);
      this.groups.observe(group.written);
    }
    if (group.refused > 0) this.appends.inc({ outcome: 'refused' }, group.refused);
  }

  /** Where the WebSocket server counts what it has open, read at each scrape. */
  countOpenWith(counts: { subscriptions(): number; sockets(): number }): void {
    this.countSubscriptions = counts.subscriptions;
    this.countSockets = counts.sockets;
  }

  /** How the read models and the reactions stand, asked at each scrape. */
  watchFollowers(
    readModels: () => Promise<FollowerStatus[]>,
    reactions: () => Promise<FollowerStatus>,
  ): void {
    this.refreshes.push(async () => {
      const [models, reacting] = await Promise.all([readModels(), reactions()]);
      for (const status of models) {
        this.lagEvents.set({ read_model: status.name }, status.lagEvents);
        this.lagSeconds.set({ read_model: status.name }, status.lagSeconds);
        this.failed.set({ read_model: status.name }, status.failure ? 1 : 0);
      }
      this.reactionsLagEvents.set(reacting.lagEvents);
      this.reactionsLagSeconds.set(reacting.lagSeconds);
      this.reactionsFailed.set(reacting.failure ? 1 : 0);
    });
  }

  /** The text a scrape gets; scrapes at the same time share one reading of the followers. */
  async scrape(): Promise<string> {
    this.refreshing ??= Promise.all(this.refreshes.map((refresh) => refresh())).finally(
      () => (this.refreshing = undefined),
    );
    await this.refreshing;
    return this.registry.metrics();
  }
}
