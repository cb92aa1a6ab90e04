import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { Projector } from '@ml/masterplan';
import { dataOf, startApp, type RunningApp } from './support/app.js';
import { follow } from './support/ws.js';

const until = async (check: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Not reached: ${what}`);
};

const INITIATE = `mutation { initiateMasterplan(input: { masterplanId: "mp", title: "t", region: "r", motion: { reference: "m", title: "m", filedBy: "f", filedOn: "2012-11-20" }, resolution: { reference: "r", body: "b", decidedOn: "2013-03-12" } }) { version }
  defineThemeField(input: { masterplanId: "mp", themeFieldId: "tf", name: "n", description: "d" }) { version } }`;

/** A running app with its own data directory, its base URL, and what /health/ready answers. */
async function started(options: Parameters<typeof startApp>[2] = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ml-health-'));
  const running = await startApp(dir, {}, options);
  const base = running.url.replace(/\/graphql$/, '');
  return {
    running,
    base,
    ready: async () => {
      const answer = await fetch(`${base}/health/ready`);
      return { status: answer.status, body: (await answer.json()) as Record<string, never> };
    },
    close: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('readiness', () => {
  it('is 200 when the store answers and every read model follows the log, and says so for each', async () => {
    const app = await started();
    try {
      const { status, body } = await app.ready();
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'ok',
        error: {},
        info: {
          'event-store': { status: 'up', engine: 'sqlite' },
          'read-model:audit': { status: 'up', lagEvents: 0 },
          'read-model:measures': { status: 'up', lagEvents: 0 },
          reactions: { status: 'up', state: 'running' },
        },
      });
      // The path of older versions and of the Docker image answers the same.
      const old = await fetch(`${app.base}/health`);
      expect(old.status).toBe(200);
      expect(await old.json()).toEqual(body);
      expect((await fetch(`${app.base}/health/live`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is 503 while the read models are stopped, and 200 again once they run and caught up', async () => {
    const app = await started();
    try {
      const projector = app.running.app.get(Projector);
      await projector.stop();
      const stopped = await app.ready();
      expect(stopped.status).toBe(503);
      expect(stopped.body).toMatchObject({
        status: 'error',
        error: { 'read-model:audit': { status: 'down', state: 'stopped', message: 'not running' } },
      });
      expect((await fetch(`${app.base}/health/live`)).status).toBe(200);
      // An event stored meanwhile is caught up on before the server is ready again.
      const store = app.running.app.get<EventStore>(EVENT_STORE);
      const stored = await store.appendToStream('actor-late', [
        {
          id: randomUUID(),
          type: 'ActorRegistered',
          data: { actorId: 'late', name: 'Late', kind: 'COMPANY' },
          metadata: { schemaVersion: 1, occurredAt: new Date().toISOString() },
        },
      ]);
      expect((await app.ready()).status).toBe(503);
      projector.start();
      await until(async () => (await app.ready()).status === 200, 'ready again');
      expect(projector.processed).toBe(stored.position);
    } finally {
      await app.close();
    }
  });

  it('is 503 when a read model stopped on an event, naming it and its position but not the error', async () => {
    const app = await started();
    try {
      const admin = await app.running.token('admin', { administrator: true });
      dataOf(await app.running.gql(INITIATE, {}, admin));
      // Past the write side: straight into the store, as another program could.
      const bad = await app.running.app
        .get<EventStore>(EVENT_STORE)
        .appendToStream('masterplan-mp', [
          {
            id: randomUUID(),
            type: 'ThemeFieldDefined',
            data: { masterplanId: 'mp', themeFieldId: 'tf', name: 'again', description: 'd' },
            metadata: { schemaVersion: 1, occurredAt: new Date().toISOString() },
          },
        ]);
      const projector = app.running.app.get(Projector);
      await until(async () => projector.failed !== null, 'the read models to stop');
      const { status, body } = await app.ready();
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        error: {
          'read-model:masterplans': {
            status: 'down',
            state: 'failed',
            position: bad.position,
            message: `stopped at position ${bad.position} on an event it cannot apply`,
          },
        },
      });
      // What went wrong inside is for the log, not for anyone asking.
      expect(projector.failed!.message.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toContain(projector.failed!.message);
      const health = dataOf(
        await app.running.gql<{ health: { status: string; problems: string[] } }>(
          '{ health { status problems } }',
        ),
      ).health;
      expect(health.status).toBe('degraded');
      expect(health.problems).toContain(
        `read-model:masterplans stopped at position ${bad.position} on an event it cannot apply`,
      );
      expect(JSON.stringify(health)).not.toContain(projector.failed!.message);
    } finally {
      await app.close();
    }
  });
});

/** The series of a scrape, `name{labels}` to value, labels as the text has them. */
function seriesOf(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** The value of the series `name` whose labels include `labels` (0 when there is none). */
function valueOf(
  series: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const found = [...series].filter(
    ([key]) =>
      (key === name || key.startsWith(`${name}{`)) && wanted.every((label) => key.includes(label)),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} names several series`);
  return found[0]?.[1] ?? 0;
}

describe('/metrics', () => {
  let app: Awaited<ReturnType<typeof started>>;
  let admin: string;
  const scrape = async (running: RunningApp = app.running) => {
    const answer = await fetch(running.url.replace(/\/graphql$/, '/metrics'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    return seriesOf(await answer.text());
  };
  const eventsInStore = async (running: RunningApp = app.running) => {
    let count = 0;
    for await (const _ of running.app.get<EventStore>(EVENT_STORE).readAll()) count++;
    return count;
  };
  const register = (id: string, token = admin) =>
    app.running.gql(
      `mutation { registerActor(input: { actorId: "${id}", name: "Actor ${id}", kind: COMPANY }) { version } }`,
      {},
      token,
    );

  beforeAll(async () => {
    app = await started();
    admin = await app.running.token('admin', { administrator: true });
  });
  afterAll(() => app.close());

  it('counts each mutation by command and outcome, each operation by root field, and what was appended, exactly', async () => {
    const before = await scrape();
    const eventsBefore = await eventsInStore();
    for (const id of ['m-1', 'm-2', 'm-3']) dataOf(await register(id));
    expect((await register('m-1')).errors![0]!.extensions!.code).toBe('ALREADY_EXISTS');
    dataOf(await app.running.gql('{ actors { id } }'));
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    const command = { command: 'RegisterActor' };
    expect(delta('masterplan_command_duration_seconds_count', { ...command, outcome: 'ok' })).toBe(
      3,
    );
    expect(
      delta('masterplan_command_duration_seconds_count', { ...command, outcome: 'ALREADY_EXISTS' }),
    ).toBe(1);
    expect(
      delta('masterplan_command_duration_seconds_bucket', {
        ...command,
        outcome: 'ok',
        le: '+Inf',
      }),
    ).toBe(3);
    expect(
      delta('masterplan_command_duration_seconds_sum', { ...command, outcome: 'ok' }),
    ).toBeGreaterThan(0);
    const mutation = { type: 'mutation', field: 'registerActor' };
    expect(
      delta('masterplan_graphql_operation_duration_seconds_count', { ...mutation, outcome: 'ok' }),
    ).toBe(3);
    expect(
      delta('masterplan_graphql_operation_duration_seconds_count', {
        ...mutation,
        outcome: 'ALREADY_EXISTS',
      }),
    ).toBe(1);
    expect(
      delta('masterplan_graphql_operation_duration_seconds_count', {
        type: 'query',
        field: 'actors',
        outcome: 'ok',
      }),
    ).toBe(1);

    // What was appended is what the log gained.
    const appended = (await eventsInStore()) - eventsBefore;
    expect(appended).toBeGreaterThanOrEqual(3);
    expect(delta('masterplan_event_store_events_appended_total')).toBe(appended);
    const written = delta('masterplan_event_store_appends_total', { outcome: 'written' });
    expect(delta('masterplan_event_store_group_commit_appends_sum')).toBe(written);
    const groups = delta('masterplan_event_store_group_commit_appends_count');
    expect(groups).toBeGreaterThanOrEqual(1);
    expect(groups).toBeLessThanOrEqual(written);
  });

  it('says how far behind each read model and the reactions are, and that none failed', async () => {
    dataOf(await register('lag-1'));
    const series = await scrape();
    for (const model of ['actors', 'audit', 'measures']) {
      expect(valueOf(series, 'masterplan_read_model_lag_events', { read_model: model })).toBe(0);
      expect(valueOf(series, 'masterplan_read_model_lag_seconds', { read_model: model })).toBe(0);
      expect(valueOf(series, 'masterplan_read_model_failed', { read_model: model })).toBe(0);
    }
    expect(series.has('masterplan_reactions_lag_events')).toBe(true);
    expect(valueOf(series, 'masterplan_reactions_failed')).toBe(0);
  });

  it('counts the subscriptions and WebSocket connections open', async () => {
    const following = [1, 2].map(() =>
      follow(app.running.wsUrl, 'subscription { auditEvents { position } }', admin),
    );
    try {
      await Promise.all(following.map((f) => f.started));
      const open = await scrape();
      expect(valueOf(open, 'masterplan_graphql_subscriptions_open')).toBe(2);
      expect(valueOf(open, 'masterplan_websocket_connections_open')).toBe(2);
    } finally {
      await Promise.all(following.map((f) => f.dispose()));
    }
    await until(
      async () => valueOf(await scrape(), 'masterplan_websocket_connections_open') === 0,
      'the sockets to close',
    );
    expect(valueOf(await scrape(), 'masterplan_graphql_subscriptions_open')).toBe(0);
  });

  it("carries the process's own figures", async () => {
    const series = await scrape();
    expect(valueOf(series, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(series, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(series, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('keeps the figures of each application instance apart', async () => {
    const other = await started();
    try {
      const mine = valueOf(await scrape(), 'masterplan_command_duration_seconds_count', {
        command: 'RegisterActor',
        outcome: 'ok',
      });
      expect(mine).toBeGreaterThan(0);
      const theirs = await scrape(other.running);
      expect(valueOf(theirs, 'masterplan_command_duration_seconds_count')).toBe(0);
      expect(valueOf(theirs, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('answers only the token when METRICS_TOKEN is set', async () => {
    const token = 'a-scraper-token-0123456789';
    const guarded = await started({ metrics: { token } });
    try {
      const url = `${guarded.base}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect(
        (await fetch(url, { headers: { authorization: 'Bearer a-scraper-token-012345678' } }))
          .status,
      ).toBe(401);
      const allowed = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('masterplan_read_model_lag_events');
    } finally {
      await guarded.close();
    }
  });
});
