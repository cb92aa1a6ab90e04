import DataLoader from 'dataloader';
import type { ReadStore } from './read-store.js';
import type {
  ActorRow,
  AssignmentRow,
  CommitmentRow,
  DeclarationRow,
  DialogueRow,
  MasterplanRow,
  MeasureRow,
  MemberRow,
  MilestoneRow,
  ProposalRow,
  RepresentativeRow,
  SignatureRow,
  ThemeFieldRow,
  WorkingGroupRow,
} from './rows.js';

/**
 * The read models as one GraphQL request sees them: the live read store, or one folded up
 * to a past moment. Every lookup is batched (one SQL query per kind of lookup and tick,
 * whatever the number of keys), so a whole masterplan costs a bounded number of queries.
 */
export class ReadView {
  constructor(
    readonly store: ReadStore,
    /** Set for a view of the past: the last log position it includes. */
    readonly asOf?: string,
    /**
     * Where the audit trail is read: the live read store, also for views of the past (its
     * entries never change; a past view reads those up to `asOf`).
     */
    readonly auditStore: ReadStore = store,
  ) {}

  private byKey<Row>(sql: string, key: keyof Row) {
    return new DataLoader<string, Row | undefined>(async (keys) => {
      const rows = this.store.all<Row>(sql, JSON.stringify(keys));
      const found = new Map(rows.map((row) => [row[key] as string, row]));
      return keys.map((k) => found.get(k));
    });
  }

  private groupedBy<Row>(sql: string, key: keyof Row) {
    return new DataLoader<string, Row[]>(async (keys) => {
      const groups = new Map<string, Row[]>(keys.map((k) => [k, []]));
      for (const row of this.store.all<Row>(sql, JSON.stringify(keys)))
        groups.get(row[key] as string)?.push(row);
      return keys.map((k) => groups.get(k)!);
    });
  }

  readonly masterplan = this.byKey<MasterplanRow>(
    'SELECT * FROM masterplans WHERE masterplan_id IN (SELECT value FROM json_each(?))',
    'masterplan_id',
  );
  readonly actor = this.byKey<ActorRow>(
    'SELECT * FROM actors WHERE actor_id IN (SELECT value FROM json_each(?))',
    'actor_id',
  );
  readonly measure = this.byKey<MeasureRow>(
    'SELECT * FROM measures WHERE measure_id IN (SELECT value FROM json_each(?))',
    'measure_id',
  );
  readonly proposal = this.byKey<ProposalRow>(
    'SELECT * FROM proposals WHERE proposal_id IN (SELECT value FROM json_each(?))',
    'proposal_id',
  );
  readonly commitment = this.byKey<CommitmentRow>(
    'SELECT * FROM commitments WHERE commitment_id IN (SELECT value FROM json_each(?))',
    'commitment_id',
  );
  readonly workingGroup = this.byKey<WorkingGroupRow>(
    'SELECT * FROM working_groups WHERE working_group_id IN (SELECT value FROM json_each(?))',
    'working_group_id',
  );
  readonly dialogue = this.byKey<DialogueRow>(
    'SELECT * FROM dialogues WHERE dialogue_id IN (SELECT value FROM json_each(?))',
    'dialogue_id',
  );
  readonly declaration = this.byKey<DeclarationRow>(
    'SELECT * FROM joint_declarations WHERE declaration_id IN (SELECT value FROM json_each(?))',
    'declaration_id',
  );

  readonly themeFieldsOfMasterplan = this.groupedBy<ThemeFieldRow>(
    'SELECT * FROM theme_fields WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    'masterplan_id',
  );
  readonly milestonesOfMasterplan = this.groupedBy<MilestoneRow>(
    'SELECT * FROM milestones WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    'masterplan_id',
  );
  readonly measuresOfMasterplan = this.groupedBy<MeasureRow>(
    'SELECT * FROM measures WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY measure_id',
    'masterplan_id',
  );
  readonly proposalsOfMasterplan = this.groupedBy<ProposalRow>(
    'SELECT * FROM proposals WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY submitted_at, proposal_id',
    'masterplan_id',
  );
  readonly commitmentsOfMasterplan = this.groupedBy<CommitmentRow>(
    'SELECT * FROM commitments WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY position',
    'masterplan_id',
  );
  readonly declarationsOfMasterplan = this.groupedBy<DeclarationRow>(
    'SELECT * FROM joint_declarations WHERE masterplan_id IN (SELECT value FROM json_each(?))',
    'masterplan_id',
  );
  readonly dialoguesOfMasterplan = this.groupedBy<DialogueRow>(
    'SELECT * FROM dialogues WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY scheduled_for',
    'masterplan_id',
  );
  readonly workingGroupsOfMasterplan = this.groupedBy<WorkingGroupRow>(
    'SELECT * FROM working_groups WHERE masterplan_id IN (SELECT value FROM json_each(?)) ORDER BY working_group_id',
    'masterplan_id',
  );
  readonly assignmentsOfMeasure = this.groupedBy<AssignmentRow>(
    "SELECT * FROM assignments WHERE measure_id IN (SELECT value FROM json_each(?)) ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'delegated' THEN 1 WHEN 'partner' THEN 2 ELSE 3 END, actor_id",
    'measure_id',
  );
  readonly assignmentsOfActor = this.groupedBy<AssignmentRow>(
    'SELECT * FROM assignments WHERE actor_id IN (SELECT value FROM json_each(?)) ORDER BY measure_id',
    'actor_id',
  );
  readonly commitmentsOfActor = this.groupedBy<CommitmentRow>(
    'SELECT * FROM commitments WHERE actor_id IN (SELECT value FROM json_each(?)) ORDER BY position',
    'actor_id',
  );
  readonly representativesOfActor = this.groupedBy<RepresentativeRow>(
    'SELECT * FROM representatives WHERE actor_id IN (SELECT value FROM json_each(?)) ORDER BY appointed_at, user_id',
    'actor_id',
  );
  readonly membersOfWorkingGroup = this.groupedBy<MemberRow>(
    'SELECT * FROM working_group_members WHERE working_group_id IN (SELECT value FROM json_each(?)) ORDER BY joined_at, actor_id',
    'working_group_id',
  );
  readonly signaturesOfDeclaration = this.groupedBy<SignatureRow>(
    'SELECT * FROM signatures WHERE declaration_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    'declaration_id',
  );

  /** Measures of a theme field, taken from the masterplan's measures (one query for all fields). */
  async measuresOfThemeField(masterplanId: string, themeFieldId: string): Promise<MeasureRow[]> {
    return (await this.measuresOfMasterplan.load(masterplanId)).filter(
      (m) => m.theme_field_id === themeFieldId,
    );
  }

  async commitmentsOfMeasure(masterplanId: string, measureId: string): Promise<CommitmentRow[]> {
    return (await this.commitmentsOfMasterplan.load(masterplanId)).filter(
      (c) => c.measure_id === measureId,
    );
  }
}
