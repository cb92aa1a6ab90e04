import type { Configuration } from '@ml/config';
import type { EventStoreHealth } from '@ml/event-store';
import type { FollowerStatus } from '@ml/masterplan';

export interface ReadinessSettings {
  /** READY_MAX_LAG_EVENTS: a read model further behind the log is not ready. */
  maxLagEvents: number;
  /** READY_MAX_LAG_SECONDS: nor one whose oldest event not applied is older. */
  maxLagSeconds: number;
}

/** READY_MAX_LAG_EVENTS and READY_MAX_LAG_SECONDS. */
export function readinessSettingsOf(configuration: Configuration): ReadinessSettings {
  return {
    maxLagEvents: configuration.READY_MAX_LAG_EVENTS,
    maxLagSeconds: configuration.READY_MAX_LAG_SECONDS,
  };
}

/** One part of readiness: what the public answer says, and what only the log says. */
export interface Check {
  /** `event-store`, `read-model:<name>` or `reactions`. */
  name: string;
  up: boolean;
  /** For anyone asking: states and positions, never an error's text. */
  says: Record<string, string | number>;
  /** For the log only: the error behind a check that is down. */
  detail?: string;
}

/**
 * Ready to serve: the event store answers, every read model runs within the lag bound (so
 * queries show what happened a moment ago), and the reactions run (their lag is not
 * bounded: they may take their time). Errors' texts can name files, hosts and data, so
 * they stay in the log; the answer names the part and its state.
 */
export function readinessOf(
  store: EventStoreHealth,
  readModels: FollowerStatus[],
  reactions: FollowerStatus,
  settings: ReadinessSettings,
): Check[] {
  const checks: Check[] = [
    store.state === 'up'
      ? { name: 'event-store', up: true, says: { engine: store.engine } }
      : {
          name: 'event-store',
          up: false,
          says: { engine: store.engine, message: 'the event store does not answer' },
          detail: store.detail,
        },
  ];
  for (const status of readModels) {
    const name = `read-model:${status.name}`;
    const stopped = stoppedCheck(name, status);
    if (stopped) {
      checks.push(stopped);
      continue;
    }
    const lag = { lagEvents: status.lagEvents, lagSeconds: Math.round(status.lagSeconds) };
    if (status.lagEvents > settings.maxLagEvents)
      checks.push({
        name,
        up: false,
        says: {
          message: `behind the log by more than ${settings.maxLagEvents} events (READY_MAX_LAG_EVENTS)`,
          ...lag,
        },
      });
    else if (status.lagSeconds > settings.maxLagSeconds)
      checks.push({
        name,
        up: false,
        says: {
          message: `behind the log by more than ${settings.maxLagSeconds} s (READY_MAX_LAG_SECONDS)`,
          ...lag,
        },
      });
    else checks.push({ name, up: true, says: lag });
  }
  checks.push(
    stoppedCheck('reactions', reactions) ?? {
      name: 'reactions',
      up: true,
      says: { state: reactions.state },
    },
  );
  return checks;
}

/** A follower that is not running: stopped on an event, cut off from the store, or shut. */
function stoppedCheck(name: string, status: FollowerStatus): Check | undefined {
  const { failure } = status;
  if (failure)
    return {
      name,
      up: false,
      says: {
        state: 'failed',
        message: `stopped at position ${failure.position} on an event it cannot apply`,
        position: failure.position,
      },
      detail: `${failure.eventType} ${failure.eventId} (stream '${failure.streamId}'): ${failure.message}`,
    };
  if (status.state === 'retrying')
    return {
      name,
      up: false,
      says: { state: 'retrying', message: 'cannot read the event store; retrying' },
      ...(status.lastError ? { detail: status.lastError } : {}),
    };
  // Reactions may be off on purpose (MASTERPLAN_REACTIONS=off); read models always run.
  if (status.state === 'stopped' || (status.state === 'off' && name !== 'reactions'))
    return { name, up: false, says: { state: status.state, message: 'not running' } };
  return undefined;
}
