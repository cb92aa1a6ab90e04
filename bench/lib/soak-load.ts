import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ask, Tally, type Answer } from './soak-client.js';

/** What the load knows of the demo plan and remembers of its own changes. */
export interface World {
  url: string;
  admin: string;
  /** A representative's token per actor id. */
  reps: Map<string, string>;
  themeFields: string[];
  /** Measures open for commitments and assignments: the demo's and those the soak made. */
  openMeasures: string[];
  /** Per actor, the measures it may not commit to (it already has, since the demo). */
  committedSince: Map<string, Set<string>>;
  /** Actor and measure pairs already assigned. */
  assigned: Set<string>;
  /** Measures with a log position at which they existed, for views of the past. */
  pastViews: Array<{ measureId: string; position: string }>;
  startedAt: Date;
}

export const MASTERPLAN_ID = 'aachen-2020';

// The soak withdraws commitments as fast as it declares them: reads ask for the active ones
// (as a page would), so that what one read costs stays the same while the history grows.
const MASTERPLAN = `{ masterplan(id: "${MASTERPLAN_ID}") { title status
  themeFields { name measures { id title kind status percentComplete
    assignments { role actor { name } }
    commitments(status: ACTIVE) { statement status dueDate actor { name } } } } } }`;
const MEASURE = `query($id: ID!) { measure(id: $id) { id title status version percentComplete
  lead { name } assignments { role actor { id name } } commitments(status: ACTIVE) { id status statement actor { name } } } }`;
const AUDIT_PAGE = `query($after: String) { auditTrail(first: 50, order: NEWEST_FIRST, after: $after) {
  edges { cursor node { position eventType occurredAt userId organisationId summary data } } pageInfo { hasNextPage endCursor } } }`;
const COMMITMENTS = `{ commitments(first: 50) { edges { node { id status statement measure { id title } actor { name } } } } }`;
const MASTERPLAN_AS_OF = `query($at: DateTime!) { masterplan(id: "${MASTERPLAN_ID}", asOf: $at) { asOfPosition
  themeFields { name measures { id status commitments(status: ACTIVE) { status actor { name } } } } } }`;
const MEASURE_AT = `query($id: ID!, $at: String!) { measure(id: $id, asOfPosition: $at) { asOfPosition title status commitments(status: ACTIVE) { status actor { name } } } }`;

const DECLARE = `mutation($input: DeclareCommitmentInput!) { declareCommitment(input: $input) { version position commitment { id status } } }`;
const WITHDRAW = `mutation($input: WithdrawCommitmentInput!) { withdrawCommitment(input: $input) { version position commitment { id status } } }`;
const ASSIGN = `mutation($input: AssignMeasureInput!) { assignMeasure(input: $input) { version position } }`;
const UNASSIGN = `mutation($input: UnassignMeasureInput!) { unassignMeasure(input: $input) { version position } }`;
const SUBMIT = `mutation($input: SubmitProposalInput!) { submitProposal(input: $input) { version position } }`;
const REJECT = `mutation($input: RejectProposalInput!) { rejectProposal(input: $input) { version position } }`;
const ACCEPT = `mutation($input: AcceptProposalInput!) { acceptProposal(input: $input) { version position } }`;
const DEFINE = `mutation($input: DefineMeasureInput!) { defineMeasure(input: $input) { version position } }`;

/** A kind of request sent at a steady rate, with at most `inFlight` waiting at once. */
export interface Lane {
  tally: Tally;
  perSecond: number;
  inFlight: number;
  send(): Promise<unknown>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** The mixed load: reads of every kind, the mutations users make, views of the past. */
export function lanes(world: World): Lane[] {
  const { url, admin } = world;
  const actors = [...world.reps.keys()];
  const lane = (name: string, perSecond: number, send: (tally: Tally) => Promise<unknown>) => {
    const tally = new Tally(name);
    return { tally, perSecond, inFlight: 8, send: () => send(tally) };
  };
  let n = 0;
  const next = () => ++n;

  // Reads.
  let auditCursor: string | undefined;
  let auditDepth = 0;
  const reads = [
    lane('read.masterplan', 4, (t) => ask(url, t, MASTERPLAN)),
    lane('read.measure', 8, (t) => ask(url, t, MEASURE, { id: pick(world.openMeasures) })),
    lane('read.audit-page', 3, async (t) => {
      // Mostly the newest page, sometimes paging on through older ones.
      const after = auditDepth < 5 ? auditCursor : undefined;
      const answer = await ask(url, t, AUDIT_PAGE, after ? { after } : {}, admin);
      const page = (answer.data?.auditTrail as { pageInfo?: { endCursor?: string } }) ?? {};
      auditCursor = page.pageInfo?.endCursor;
      auditDepth = after ? auditDepth + 1 : 0;
    }),
    lane('read.commitments', 2, (t) => ask(url, t, COMMITMENTS, {}, admin)),
    lane('read.masterplan-as-of', 0.5, (t) => {
      const since = world.startedAt.getTime();
      const at = new Date(since + Math.random() * (Date.now() - since)).toISOString();
      return ask(url, t, MASTERPLAN_AS_OF, { at });
    }),
    lane('read.measure-as-of-position', 1, (t) => {
      if (world.pastViews.length === 0) return Promise.resolve();
      const { measureId, position } = pick(world.pastViews);
      return ask(url, t, MEASURE_AT, { id: measureId, at: position });
    }),
  ];
  return [...reads, ...mutations(world, actors, lane, next)];
}

function mutations(
  world: World,
  actors: string[],
  lane: (name: string, perSecond: number, send: (tally: Tally) => Promise<unknown>) => Lane,
  next: () => number,
): Lane[] {
  const { url, admin } = world;
  const remember = (measureId: string, answer: Answer, field: string) => {
    const position = (answer.data?.[field] as { position?: string } | undefined)?.position;
    if (!position) return;
    world.pastViews.push({ measureId, position });
    if (world.pastViews.length > 2000) world.pastViews.splice(0, 1000);
  };

  // Commitments: each actor keeps up to three, declaring new ones and withdrawing the oldest.
  const commitments = new Map<string, Array<{ id: string; measureId: string }>>();
  const busy = new Set<string>();
  let turn = 0;
  const commitmentLane = lane('mutate.commitment', 6, async (t) => {
    const actor = actors
      .map((_, i) => actors[(turn + i) % actors.length]!)
      .find((a) => !busy.has(a));
    if (!actor) return;
    turn++;
    busy.add(actor);
    try {
      const held = commitments.get(actor) ?? [];
      commitments.set(actor, held);
      const token = world.reps.get(actor)!;
      if (held.length >= 3) {
        const oldest = held.shift()!;
        const answer = await ask(
          url,
          t,
          WITHDRAW,
          { input: { commitmentId: oldest.id, reason: 'Soak: plans changed' } },
          token,
        );
        remember(oldest.measureId, answer, 'withdrawCommitment');
        return;
      }
      const taken = world.committedSince.get(actor) ?? new Set<string>();
      const free = world.openMeasures.filter(
        (m) => !taken.has(m) && !held.some((c) => c.measureId === m),
      );
      if (free.length === 0) return;
      const measureId = pick(free);
      const id = `soak-c-${next()}`;
      const answer = await ask(
        url,
        t,
        DECLARE,
        {
          input: {
            commitmentId: id,
            actorId: actor,
            masterplanId: MASTERPLAN_ID,
            measureId,
            statement: `We take this on (soak ${id})`,
          },
        },
        token,
      );
      if (answer.data) held.push({ id, measureId });
      else if (answer.code === 'RULE_VIOLATED') taken.add(measureId);
      world.committedSince.set(actor, taken);
      remember(measureId, answer, 'declareCommitment');
    } finally {
      busy.delete(actor);
    }
  });

  // Assignments: the administrator assigns supporters and ends assignments again.
  const assignments: Array<{ actorId: string; measureId: string }> = [];
  const assignmentLane = lane('mutate.assignment', 1, async (t) => {
    if (assignments.length >= 20) {
      const oldest = assignments.shift()!;
      const answer = await ask(
        url,
        t,
        UNASSIGN,
        { input: { ...oldest, reason: 'Soak: done' } },
        admin,
      );
      if (answer.data) world.assigned.delete(`${oldest.actorId} ${oldest.measureId}`);
      return;
    }
    const actorId = pick(actors);
    const measureId = pick(world.openMeasures);
    const pair = `${actorId} ${measureId}`;
    if (world.assigned.has(pair)) return;
    world.assigned.add(pair);
    const answer = await ask(
      url,
      t,
      ASSIGN,
      { input: { actorId, measureId, role: 'SUPPORTER' } },
      admin,
    );
    if (answer.data) assignments.push({ actorId, measureId });
  });

  // Proposals: submitted by representatives; the administrator rejects most and accepts one
  // in sixty (the reaction then defines its measure).
  const pending: string[] = [];
  let decided = 0;
  const proposalLane = lane('mutate.proposal', 1, async (t) => {
    if (pending.length >= 3) {
      const proposalId = pending.shift()!;
      if (++decided % 60 === 0) {
        const measureId = `soak-pm-${next()}`;
        const answer = await ask(
          url,
          t,
          ACCEPT,
          { input: { proposalId, measureId, measureKind: 'STANDARD' } },
          admin,
        );
        // The reaction defines the measure moments later.
        if (answer.data) setTimeout(() => world.openMeasures.push(measureId), 10_000).unref();
        return;
      }
      await ask(url, t, REJECT, { input: { proposalId, reason: 'Soak: not now' } }, admin);
      return;
    }
    const actorId = pick(actors);
    const proposalId = `soak-p-${next()}`;
    const answer = await ask(
      url,
      t,
      SUBMIT,
      {
        input: {
          proposalId,
          actorId,
          masterplanId: MASTERPLAN_ID,
          themeFieldId: pick(world.themeFields),
          title: `Soak proposal ${proposalId}`,
          description: 'A proposal sent by the soak test',
        },
      },
      world.reps.get(actorId)!,
    );
    if (answer.data) pending.push(proposalId);
  });

  // Measures: the administrator defines one every two minutes.
  const measureLane = lane('mutate.measure', 1 / 120, async (t) => {
    const measureId = `soak-m-${next()}`;
    const answer = await ask(
      url,
      t,
      DEFINE,
      {
        input: {
          measureId,
          masterplanId: MASTERPLAN_ID,
          themeFieldId: pick(world.themeFields),
          title: `Soak measure ${measureId}`,
          description: 'A measure defined by the soak test',
          kind: 'STANDARD',
        },
      },
      admin,
    );
    if (answer.data) world.openMeasures.push(measureId);
  });
  return [commitmentLane, assignmentLane, proposalLane, measureLane];
}

/** Runs each lane at its rate until `stop` resolves. */
export async function drive(lanes: Lane[], stop: Promise<void>): Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = lanes.map((lane) => {
    let waiting = 0;
    return setInterval(() => {
      if (waiting >= lane.inFlight) {
        lane.tally.skipped++;
        return;
      }
      waiting++;
      const sent = lane
        .send()
        .catch((error: unknown) => lane.tally.record(0, `SOAK_BUG ${(error as Error).message}`))
        .finally(() => {
          waiting--;
          running.delete(sent);
        });
      running.add(sent);
    }, 1000 / lane.perSecond);
  });
  await stop;
  for (const timer of timers) clearInterval(timer);
  await Promise.all(running);
}

/**
 * Subscriptions held open all along (the live masterplan, the audit feed), one of them
 * closed and opened again every few minutes: what a browser tab does when it is reloaded.
 */
export class Subscribers {
  readonly tally = new Tally('subscriptions');
  messages = 0;
  opened = 0;
  private readonly open: Array<() => void> = [];
  private turn = 0;

  constructor(
    private readonly url: string,
    private readonly admin: string,
  ) {}

  start(count: number): void {
    for (let i = 0; i < count; i++) this.open.push(this.subscribe(i));
  }

  /** Closes one and opens another in its place. */
  churn(): void {
    const i = this.turn++ % this.open.length;
    this.open[i]!();
    this.open[i] = this.subscribe(i);
  }

  closeAll(): void {
    for (const close of this.open.splice(0)) close();
  }

  private subscribe(i: number): () => void {
    const audit = i % 3 === 2;
    const client: Client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      ...(audit ? { connectionParams: { authorization: `Bearer ${this.admin}` } } : {}),
      retryAttempts: 0,
    });
    let closing = false;
    this.opened++;
    client.subscribe(
      {
        query: audit
          ? 'subscription { auditEvents { position eventType summary } }'
          : `subscription { masterplanChanged(id: "${MASTERPLAN_ID}") { eventType position summary } }`,
      },
      {
        next: (message) => {
          if (message.errors) {
            const code = (message.errors[0]?.extensions?.code as string) ?? 'SUBSCRIPTION_ERROR';
            this.tally.record(0, code);
          } else this.messages++;
        },
        error: (error: unknown) => {
          if (closing) return;
          const { code, reason, message } = (error ?? {}) as Record<string, unknown>;
          this.tally.record(0, `SUBSCRIPTION_ENDED ${String(message ?? `${code} ${reason}`)}`);
        },
        complete: () => {
          if (!closing) this.tally.record(0, 'SUBSCRIPTION_COMPLETED');
        },
      },
    );
    return () => {
      closing = true;
      void client.dispose();
    };
  }
}
