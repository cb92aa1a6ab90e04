import type { ReadStore } from '../read-store/read-store.js';
import type { AuditRow } from './audit.projection.js';
import type { StoredEvent } from '../shared/stored-event.js';
import { streamEntity } from './entities.js';

/** Names the summary needs, as the read models knew them when the event happened. */
export interface Names {
  actor(id: string): string;
  measure(id: string): string;
  proposal(id: string): string;
  masterplan(id: string): string;
  dialogue(id: string): string;
  workingGroup(id: string): string;
}

/** One line a person reads in the audit trail: who did what, for whom, to which thing. */
export function summarize(event: StoredEvent, names: Names): string {
  const acting = event.metadata.actor;
  const organisation = acting?.organisationId;
  const subject = organisation
    ? `${names.actor(organisation)} (via user ${acting.userId})`
    : acting?.userId === 'system'
      ? 'The system'
      : acting?.roles.includes('administrator')
        ? `Administrator ${acting.userId}`
        : `User ${acting?.userId ?? 'unknown'}`;
  return `${subject} ${predicate(event, names, organisation)}`;
}

function predicate(event: StoredEvent, n: Names, organisation: string | undefined): string {
  const measure = (id: string) => `measure '${n.measure(id)}'`;
  switch (event.type) {
    case 'ActorRegistered':
      return `registered actor '${event.data.name}' (${event.data.kind})`;
    case 'RepresentativeAppointed':
      return `appointed ${event.data.name} (user ${event.data.userId}) as representative of ${n.actor(event.data.actorId)}`;
    case 'RepresentativeRevoked':
      return `revoked user ${event.data.userId} as representative of ${n.actor(event.data.actorId)}: ${event.data.reason}`;
    case 'MasterplanInitiated':
      return `initiated masterplan '${event.data.title}' on the motion '${event.data.motion.title}' and the resolution ${event.data.resolution.reference}`;
    case 'ThemeFieldDefined':
      return `defined theme field '${event.data.name}' in masterplan '${n.masterplan(event.data.masterplanId)}'`;
    case 'MilestoneScheduled':
      return `scheduled milestone '${event.data.title}' for ${event.data.dueDate}`;
    case 'MilestoneReached':
      return `marked milestone ${event.data.milestoneId} of masterplan '${n.masterplan(event.data.masterplanId)}' as reached`;
    case 'MasterplanPresented':
      return `presented masterplan '${n.masterplan(event.data.masterplanId)}'`;
    case 'MasterplanAdopted':
      return `recorded the adoption of masterplan '${n.masterplan(event.data.masterplanId)}' (${event.data.resolution.reference})`;
    case 'DialogueScheduled':
      return `scheduled the dialogue '${event.data.title}' for ${event.data.scheduledFor} at ${event.data.venue}`;
    case 'DialogueHeld':
      return `recorded the dialogue '${n.dialogue(event.data.dialogueId)}' as held with ${event.data.participantActorIds.length} participating actors`;
    case 'DialogueMinutesRecorded':
      return `recorded the minutes of the dialogue '${n.dialogue(event.data.dialogueId)}'`;
    case 'WorkingGroupFormed':
      return `formed working group '${event.data.name}', facilitated by ${n.actor(event.data.facilitatorActorId)}`;
    case 'WorkingGroupMemberJoined':
      return organisation === event.data.actorId
        ? `joined working group '${n.workingGroup(event.data.workingGroupId)}'`
        : `added ${n.actor(event.data.actorId)} to working group '${n.workingGroup(event.data.workingGroupId)}'`;
    case 'WorkingGroupMemberLeft':
      return organisation === event.data.actorId
        ? `left working group '${n.workingGroup(event.data.workingGroupId)}'`
        : `removed ${n.actor(event.data.actorId)} from working group '${n.workingGroup(event.data.workingGroupId)}'`;
    case 'ProposalSubmitted':
      return `submitted proposal '${event.data.title}'${event.data.workingGroupId ? ` for working group '${n.workingGroup(event.data.workingGroupId)}'` : ''}`;
    case 'ProposalRevised':
      return `revised proposal '${event.data.title}'`;
    case 'ProposalWithdrawn':
      return `withdrew proposal '${n.proposal(event.data.proposalId)}': ${event.data.reason}`;
    case 'ProposalAccepted':
      return `accepted proposal '${event.data.title}', to become measure ${event.data.measureId}`;
    case 'ProposalRejected':
      return `rejected proposal '${n.proposal(event.data.proposalId)}': ${event.data.reason}`;
    case 'MeasureDefined':
      return `defined ${event.data.kind.replace('_', ' ')} measure '${event.data.title}'${event.data.sourceProposalId ? ` from the accepted proposal '${n.proposal(event.data.sourceProposalId)}'` : ''}`;
    case 'MeasureAssigned':
      return event.data.role === 'delegated'
        ? `delegated ${measure(event.data.measureId)} to ${n.actor(event.data.actorId)}`
        : `assigned ${n.actor(event.data.actorId)} as ${event.data.role} of ${measure(event.data.measureId)}`;
    case 'MeasureUnassigned':
      return `unassigned ${n.actor(event.data.actorId)} (${event.data.role}) from ${measure(event.data.measureId)}: ${event.data.reason}`;
    case 'MeasureProgressReported':
      return `reported ${measure(event.data.measureId)} at ${event.data.percentComplete}% complete`;
    case 'MeasureCompleted':
      return `completed ${measure(event.data.measureId)}`;
    case 'MeasureCancelled':
      return `cancelled ${measure(event.data.measureId)}: ${event.data.reason}`;
    case 'CommitmentDeclared':
      return `declared a commitment to ${event.data.measureId ? measure(event.data.measureId) : `masterplan '${n.masterplan(event.data.masterplanId)}'`}`;
    case 'CommitmentFulfilled':
      return organisation === event.data.actorId
        ? `fulfilled its commitment ${event.data.commitmentId} to ${committedTo(event, n)}`
        : `confirmed commitment ${event.data.commitmentId} of ${n.actor(event.data.actorId)} to ${committedTo(event, n)} as fulfilled`;
    case 'CommitmentWithdrawn':
      return `withdrew its commitment ${event.data.commitmentId} to ${committedTo(event, n)}: ${event.data.reason}`;
    case 'JointDeclarationDrafted':
      return `drafted the joint declaration for masterplan '${n.masterplan(event.data.masterplanId)}' with a roadmap of ${event.data.roadmap.length} steps`;
    case 'JointDeclarationSigned':
      return organisation === event.data.actorId
        ? 'signed the joint declaration'
        : `recorded ${n.actor(event.data.actorId)}'s signature of the joint declaration`;
    case 'JointDeclarationPublished':
      return 'published the joint declaration';
  }
}

/** What a commitment is made to: the measure or masterplan whose stream holds it. */
function committedTo(event: StoredEvent, n: Names): string {
  const target = streamEntity(event.streamId);
  return target?.type === 'measure'
    ? `measure '${n.measure(target.id)}'`
    : `masterplan '${n.masterplan(target?.id ?? '')}'`;
}

/** Where the names a summary quotes are kept: table, key column, name column. */
const NAMED = {
  actor: ['actors', 'actor_id', 'name'],
  measure: ['measures', 'measure_id', 'title'],
  proposal: ['proposals', 'proposal_id', 'title'],
  masterplan: ['masterplans', 'masterplan_id', 'title'],
  dialogue: ['dialogues', 'dialogue_id', 'title'],
  workingGroup: ['working_groups', 'working_group_id', 'name'],
} as const satisfies Record<keyof Names, readonly [string, string, string]>;

/**
 * The names as the read models held them at log position `at`, the changes of the event
 * at `at` included (an entity they did not know: its id). Row versions keep the positions
 * they were valid between, so any moment's names are an indexed lookup.
 */
export function namesAt(store: ReadStore, at: string): Names {
  const named = (kind: keyof Names) => (id: string) => {
    const [table, key, name] = NAMED[kind];
    return (
      store.get<{ v: string }>(
        `SELECT ${name} AS v FROM ${table} WHERE ${key} = ? AND valid_from <= ? AND valid_to > ?`,
        id,
        at,
        at,
      )?.v ?? id
    );
  };
  return {
    actor: named('actor'),
    measure: named('measure'),
    proposal: named('proposal'),
    masterplan: named('masterplan'),
    dialogue: named('dialogue'),
    workingGroup: named('workingGroup'),
  };
}

/**
 * Tells each entry's summary as it is read: the audit row keeps what happened, the names
 * come from the read models at its position. So the audit depends on no other read model
 * while it is built, and a name read model rebuilt on its own is quoted rightly again.
 */
export function withSummaries<Row extends AuditRow>(rows: Row[], store: ReadStore): Row[] {
  for (const row of rows) {
    const event = {
      type: row.event_type,
      data: JSON.parse(row.data) as unknown,
      streamId: row.stream_id,
      metadata: {
        actor:
          row.user_id === null
            ? undefined
            : {
                userId: row.user_id,
                organisationId: row.organisation_id ?? undefined,
                roles: JSON.parse(row.roles) as string[],
              },
      },
    } as StoredEvent;
    row.summary = summarize(event, namesAt(store, row.position));
  }
  return rows;
}
