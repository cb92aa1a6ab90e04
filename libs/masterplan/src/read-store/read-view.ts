import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { LogStart } from '@ml/event-store';
import type { ReadStore } from './read-store.js';
import { NOW, validAt } from './temporal.js';
import type {
  ActorRow,
  AssignmentRow,
  CommitmentRow,
  DeclarationRow,
  DialogueRow,
  MasterplanRow,
  MeasureProgressRow,
  MeasureRow,
  MemberRow,
  MilestoneRow,
  ProposalRow,
  RepresentativeRow,
  SignatureRow,
  ThemeFieldRow,
  WorkingGroupRow,
} from './rows.js';

/** What one request may spend, and has spent. */
export interface Budget {
  /** How long it may read (ms), named when it is stopped for it. */
  executionMs?: number;
  /** Epoch ms after which reads are refused. */
  deadline?: number;
  maxObjects?: number;
  maxBytes?: number;
  objects?: number;
  bytes?: number;
  /** Set once the request went over a limit: its answer is that error alone. */
  refusal?: GraphQLError;
  /** When its current slice of the thread began (performance.now()); see ReadView.pause. */
  slice?: number;
}

/** How long one request works before it lets others in (health checks, other requests). */
const SLICE_MS = 5;

/**
 * The read models as one GraphQL request sees them: now, or at a past log position. Every lookup is batched (one SQL query per kind of lookup and tick,
 * whatever the number of keys), so a whole masterplan costs a bounded number of queries.
 */
export class ReadView {
  constructor(
    readonly store: ReadStore,
    /** Set for a view of the past: the last log position it includes. */
    readonly asOf?: string,
    /**
     * The request this view reads for and what it may still spend: after its `deadline`
     * (epoch ms) every read is refused, and the objects it makes of rows (and their text)
     * are counted against `maxObjects` and `maxBytes`, so one request cannot hold the
     * server however long the lists turn out to be. Set once its limits were checked.
     */
    readonly budget: Budget = {},
  ) {}

  /**
   * Counts a row made into an answer's object against the request's budget; once over it,
   * the request is stopped (LIMIT_EXCEEDED). Returns the view, for the object to keep.
   */
  spend(row: object): this {
    const budget = this.budget;
    if (budget.refusal) throw budget.refusal;
    if (budget.maxObjects === undefined) return this;
    this.checkDeadline();
    budget.objects = (budget.objects ?? 0) + 1;
    for (const value of Object.values(row))
      if (typeof value === 'string') budget.bytes = (budget.bytes ?? 0) + Buffer.byteLength(value);
    if (budget.objects > budget.maxObjects)
      this.refuse(
        'cost',
        budget.maxObjects,
        `The answer holds more than ${budget.maxObjects} objects; page with first/after, ask for fewer or shorter lists, or split the query`,
      );
    if (budget.maxBytes !== undefined && (budget.bytes ?? 0) > budget.maxBytes)
      this.refuse(
        'textReadBytes',
        budget.maxBytes,
        `The query read more than ${budget.maxBytes} bytes of text; ask for fewer items or shorter lists`,
      );
    return this;
  }

  private refuse(limit: string, max: number | undefined, message: string): never {
    this.budget.refusal ??= new GraphQLError(message, {
      extensions: { code: 'LIMIT_EXCEEDED', limit, ...(max !== undefined ? { max } : {}) },
    });
    throw this.budget.refusal;
  }

  /**
   * This view as one request reads it: the same loaders (so what many requests read of it
   * is read once, batched), but what it makes of their rows counts against `budget`.
   */
  /**
   * What this view reads the read models as of; the views made within() it share it, so
   * what is looked up once per moment (the caller's organisations) is keyed by it.
   */
  readonly moment: object = {};

  within(budget: Budget): ReadView {
    const view = Object.create(this) as ReadView;
    Object.defineProperty(view, 'budget', { value: budget });
    return view;
  }

  /**
   * Lets others in when this request has held the thread for a slice: a request reading
   * much (30 pages of 500 entries) would otherwise keep even health checks waiting. Each
   * waiting part of the request goes on in the next turn of the event loop, one slice per
   * turn, so I/O is served in between.
   */
  async pause(): Promise<void> {
    const budget = this.budget;
    budget.slice ??= performance.now();
    while (performance.now() - budget.slice >= SLICE_MS) {
      const waitedFrom = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      // The first part back begins a new slice; the others go on within it, or wait again.
      if (budget.slice < waitedFrom) budget.slice = performance.now();
    }
  }

  private checkDeadline(): void {
    const { deadline, executionMs } = this.budget;
    if (deadline !== undefined && Date.now() > deadline)
      this.refuse(
        'executionMs',
        executionMs,
        'The query took too long and was stopped; ask for less at once (fewer or smaller lists)',
      );
  }

  private read<T>(sql: string, ...params: unknown[]): T[] {
    if (this.budget.refusal) throw this.budget.refusal;
    this.checkDeadline();
    return this.store.all<T>(sql, ...params);
  }

  /** A log position the read models have applied (the shape every position has). */
  get lastApplied(): LogStart {
    return this.store.lastCheckpoint();
  }

  /** The log position whose rows this view shows: `asOf`, or NOW for the live read models. */
  get at(): string {
    return this.asOf ?? NOW;
  }

  private byKey<Row>(sql: string, key: keyof Row) {
    return new DataLoader<string, Row | undefined>(async (keys) => {
      await this.pause();
      const rows = this.read<Row>(sql, JSON.stringify(keys), { at: this.at });
      const found = new Map(rows.map((row) => [row[key] as string, row]));
      return keys.map((k) => found.get(k));
    });
  }

  private groupedBy<Row>(sql: string, key: keyof Row) {
    return new DataLoader<string, Row[]>(async (keys) => {
      await this.pause();
      const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
      for (const row of this.read<Row>(sql, JSON.stringify(keys), { at: this.at }))
        groups.get(row[key] as string)?.push(row);
      return keys.map((k) => groups.get(k)!);
    });
  }

  readonly masterplan = this.byKey<MasterplanRow>(
    `SELECT * FROM masterplans WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'masterplan_id',
  );
  readonly actor = this.byKey<ActorRow>(
    `SELECT * FROM actors WHERE actor_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'actor_id',
  );
  readonly measure = this.byKey<MeasureRow>(
    `SELECT * FROM measures WHERE measure_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'measure_id',
  );
  readonly progressOfMeasure = this.byKey<MeasureProgressRow>(
    `SELECT * FROM measure_progress WHERE measure_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'measure_id',
  );
  readonly proposal = this.byKey<ProposalRow>(
    `SELECT * FROM proposals WHERE proposal_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'proposal_id',
  );
  readonly commitment = this.byKey<CommitmentRow>(
    `SELECT * FROM commitments WHERE commitment_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'commitment_id',
  );
  readonly workingGroup = this.byKey<WorkingGroupRow>(
    `SELECT * FROM working_groups WHERE working_group_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'working_group_id',
  );
  readonly dialogue = this.byKey<DialogueRow>(
    `SELECT * FROM dialogues WHERE dialogue_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'dialogue_id',
  );
  readonly declaration = this.byKey<DeclarationRow>(
    `SELECT * FROM joint_declarations WHERE declaration_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'declaration_id',
  );

  readonly themeFieldsOfMasterplan = this.groupedBy<ThemeFieldRow>(
    `SELECT * FROM theme_fields WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY seq`,
    'masterplan_id',
  );
  readonly milestonesOfMasterplan = this.groupedBy<MilestoneRow>(
    `SELECT * FROM milestones WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY seq`,
    'masterplan_id',
  );
  readonly measuresOfMasterplan = this.groupedBy<MeasureRow>(
    `SELECT * FROM measures WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY measure_id`,
    'masterplan_id',
  );
  readonly proposalsOfMasterplan = this.groupedBy<ProposalRow>(
    `SELECT * FROM proposals WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY submitted_at, proposal_id`,
    'masterplan_id',
  );
  readonly commitmentsOfMasterplan = this.groupedBy<CommitmentRow>(
    `SELECT * FROM commitments WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY position`,
    'masterplan_id',
  );
  readonly declarationsOfMasterplan = this.groupedBy<DeclarationRow>(
    `SELECT * FROM joint_declarations WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()}`,
    'masterplan_id',
  );
  readonly dialoguesOfMasterplan = this.groupedBy<DialogueRow>(
    `SELECT * FROM dialogues WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY scheduled_for`,
    'masterplan_id',
  );
  readonly workingGroupsOfMasterplan = this.groupedBy<WorkingGroupRow>(
    `SELECT * FROM working_groups WHERE masterplan_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY working_group_id`,
    'masterplan_id',
  );
  readonly assignmentsOfMeasure = this.groupedBy<AssignmentRow>(
    `SELECT * FROM assignments WHERE measure_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'delegated' THEN 1 WHEN 'partner' THEN 2 ELSE 3 END, actor_id`,
    'measure_id',
  );
  readonly assignmentsOfActor = this.groupedBy<AssignmentRow>(
    `SELECT * FROM assignments WHERE actor_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY measure_id`,
    'actor_id',
  );
  readonly commitmentsOfMeasure = this.groupedBy<CommitmentRow>(
    `SELECT * FROM commitments WHERE measure_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY position`,
    'measure_id',
  );
  readonly commitmentsOfActor = this.groupedBy<CommitmentRow>(
    `SELECT * FROM commitments WHERE actor_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY position`,
    'actor_id',
  );
  readonly representativesOfActor = this.groupedBy<RepresentativeRow>(
    `SELECT * FROM representatives WHERE actor_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY appointed_at, user_id`,
    'actor_id',
  );
  readonly membersOfWorkingGroup = this.groupedBy<MemberRow>(
    `SELECT * FROM working_group_members WHERE working_group_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY joined_at, actor_id`,
    'working_group_id',
  );
  readonly signaturesOfDeclaration = this.groupedBy<SignatureRow>(
    `SELECT * FROM signatures WHERE declaration_id IN (SELECT value FROM json_each(?)) AND ${validAt()} ORDER BY seq`,
    'declaration_id',
  );

  /**
   * The version (last revision) of a stream as of this view, from the audit trail: rows
   * are versioned only by what they show, not by every event of their stream.
   */
  private readonly streamVersion = new DataLoader<string, number>(async (streams) => {
    await this.pause();
    const rows = this.read<{ stream_id: string; revision: number }>(
      `SELECT a.stream_id, a.revision FROM json_each(?) AS s JOIN audit_entries AS a
         ON a.position = (SELECT max(position) FROM audit_entries WHERE stream_id = s.value AND position <= @at)`,
      JSON.stringify(streams),
      { at: this.at },
    );
    const found = new Map(rows.map((row) => [row.stream_id, row.revision]));
    return streams.map((stream) => found.get(stream) ?? -1);
  });

  versionOf(streamId: string): Promise<number> {
    return this.streamVersion.load(streamId);
  }

  allActors(): ActorRow[] {
    return this.read<ActorRow>(`SELECT * FROM actors WHERE ${validAt()} ORDER BY name`, {
      at: this.at,
    });
  }

  allMasterplans(): MasterplanRow[] {
    return this.read<MasterplanRow>(
      `SELECT * FROM masterplans WHERE ${validAt()} ORDER BY initiated_at`,
      { at: this.at },
    );
  }

  /** Measures of a theme field, taken from the masterplan's measures (one query for all fields). */
  async measuresOfThemeField(masterplanId: string, themeFieldId: string): Promise<MeasureRow[]> {
    return (await this.measuresOfMasterplan.load(masterplanId)).filter(
      (m) => m.theme_field_id === themeFieldId,
    );
  }
}
