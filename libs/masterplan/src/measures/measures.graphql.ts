import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../graphql/date-time.scalar.js';
import { AssignmentRoleValue, MeasureKindValue, MeasureStatusValue } from '../graphql/enums.js';
import { AS_OF_POSITION, entityLoader, FromView, StreamEntity } from '../graphql/from-view.js';
import { Changed, payload } from '../graphql/payloads.js';
import type { ReadView } from '../read-store/read-view.js';
import { measureAggregate } from './measure.js';
import { commitmentsOfMeasure } from '../commitments/commitments.projection.js';
import type { AssignmentSpan } from './measure.provenance.js';
import {
  assignmentsOfMeasure,
  measureById,
  type AssignmentRow,
  type MeasureRow,
} from './measures.projection.js';

@ObjectType({
  description:
    'A concrete measure of the masterplan, with the actors carrying it and their commitments.',
})
export class Measure extends StreamEntity {
  @Field(() => ID) id!: string;
  masterplanId!: string;
  themeFieldId!: string;
  sourceProposalId!: string | null;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => MeasureKindValue) kind!: string;
  @Field(() => MeasureStatusValue) status!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Why it was cancelled, or the note on completion.',
  })
  closingNote?: string | null;
  @Field(() => DateTime) definedAt!: Date;
  @Field(() => Int, {
    description:
      'Version of the measure stream (its commitments included); pass it as expectedVersion.',
  })
  override get version(): Promise<number> {
    return super.version;
  }
  @Field(() => String, AS_OF_POSITION) asOfPosition?: string | null;
}

@InputType({ description: 'Narrows a list of measures; every criterion given must hold.' })
export class MeasureFilter {
  @Field(() => MeasureStatusValue, { nullable: true }) status?: string;
  @Field({
    nullable: true,
    description: 'true: only measures with no lead actor assigned; false: only those with one.',
  })
  withoutLead?: boolean;
  @Field({
    nullable: true,
    description:
      'true: only measures no actor has an active commitment to; false: only those with at least one.',
  })
  withoutActiveCommitments?: boolean;
}

/** The measures of `rows` that match `filter`, as of the view (lookups batched per view). */
export async function measuresMatching(
  view: ReadView,
  rows: MeasureRow[],
  filter: MeasureFilter | undefined,
): Promise<MeasureRow[]> {
  if (!filter) return rows;
  const { status, withoutLead, withoutActiveCommitments } = filter;
  const checks = await Promise.all(
    rows.map(async (row) => {
      if (status != null && row.status !== status) return false;
      if (withoutLead != null) {
        const assignments = await view.loader(assignmentsOfMeasure).load(row.measure_id);
        if (withoutLead === assignments.some((a) => a.role === 'lead')) return false;
      }
      if (withoutActiveCommitments != null) {
        const commitments = await view.loader(commitmentsOfMeasure).load(row.measure_id);
        if (withoutActiveCommitments === commitments.some((c) => c.status === 'active'))
          return false;
      }
      return true;
    }),
  );
  return rows.filter((_, i) => checks[i]);
}

@ObjectType({ description: 'An actor assigned to a measure, with its role.' })
export class Assignment extends FromView {
  actorId!: string;
  measureId!: string;
  /** For an ended assignment: the entries that made and ended it (read from the audit). */
  span?: AssignmentSpan;
  @Field(() => AssignmentRoleValue) role!: string;
  @Field(() => DateTime) assignedAt!: Date;
}

@ObjectType()
export class MeasurePayload extends Changed {
  @Field(() => Measure) measure!: Measure;
}

export const toMeasure = (r: MeasureRow, view: ReadView): Measure =>
  Object.assign(new Measure(), {
    view: view.spend(r),
    id: r.measure_id,
    masterplanId: r.masterplan_id,
    themeFieldId: r.theme_field_id,
    sourceProposalId: r.source_proposal_id,
    title: r.title,
    description: r.description,
    kind: r.kind,
    status: r.status,
    closingNote: r.closing_note,
    definedAt: new Date(r.defined_at),
    asOfPosition: view.asOf ?? null,
    streamId: measureAggregate.streamPrefix + r.measure_id,
  });

export const toAssignment = (r: AssignmentRow, view: ReadView): Assignment =>
  Object.assign(new Assignment(), {
    view: view.spend(r),
    actorId: r.actor_id,
    measureId: r.measure_id,
    role: r.role,
    assignedAt: new Date(r.assigned_at),
  });

export const loadMeasure = entityLoader(measureById, toMeasure, 'measure');
export const measurePayload = payload('measure', loadMeasure);
