import type { StoredEvent } from '../shared/stored-event.js';

export const ENTITY_TYPES = [
  'masterplan',
  'actor',
  'measure',
  'commitment',
  'proposal',
  'dialogue',
  'working_group',
  'joint_declaration',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface EntityRef {
  type: EntityType;
  id: string;
}

const STREAM_ENTITY: Array<[prefix: string, type: EntityType]> = [
  ['masterplan-', 'masterplan'],
  ['actor-', 'actor'],
  ['measure-', 'measure'],
  ['proposal-', 'proposal'],
  ['dialogue-', 'dialogue'],
  ['workinggroup-', 'working_group'],
  ['declaration-', 'joint_declaration'],
];

/**
 * The fields of event data that name an entity, and which kind. Every field whose name ends
 * in `Id` or `Ids` is either here or in NOT_ENTITIES (a test checks every event type), so a
 * new reference cannot be left out of the histories.
 */
export const REFERENCE_FIELDS: Readonly<Record<string, EntityType>> = {
  masterplanId: 'masterplan',
  actorId: 'actor',
  facilitatorActorId: 'actor',
  participantActorIds: 'actor',
  measureId: 'measure',
  commitmentId: 'commitment',
  proposalId: 'proposal',
  sourceProposalId: 'proposal',
  dialogueId: 'dialogue',
  workingGroupId: 'working_group',
  declarationId: 'joint_declaration',
};

/** Id fields that name no entity with a history: parts of a masterplan, and users. */
export const NOT_ENTITIES: readonly string[] = ['themeFieldId', 'milestoneId', 'userId'];

/** The entity whose stream holds the event. */
export function streamEntity(streamId: string): EntityRef | undefined {
  const found = STREAM_ENTITY.find(([prefix]) => streamId.startsWith(prefix));
  return found && { type: found[1], id: streamId.slice(found[0].length) };
}

/** The entity an event is chiefly about: the commitment for commitment events, else its stream's. */
export function primaryEntity(event: StoredEvent): EntityRef {
  if (event.type.startsWith('Commitment'))
    return { type: 'commitment', id: (event.data as { commitmentId: string }).commitmentId };
  return streamEntity(event.streamId) ?? { type: 'masterplan', id: event.streamId };
}

/**
 * Every entity an event concerns, so that each one's history finds it: the one it is about,
 * the one whose stream holds it, every entity its data names, the organisation the user
 * acted for, and the masterplan it belongs to (`masterplanId`, when the data does not name
 * it: a measure's events belong to the measure's masterplan).
 */
export function entitiesOf(event: StoredEvent, masterplanId?: string | null): EntityRef[] {
  const refs: EntityRef[] = [];
  const add = (type: EntityType, id: unknown) => {
    if (typeof id === 'string' && !refs.some((r) => r.type === type && r.id === id))
      refs.push({ type, id });
  };
  const primary = primaryEntity(event);
  add(primary.type, primary.id);
  const home = streamEntity(event.streamId);
  if (home) add(home.type, home.id);
  for (const [field, value] of Object.entries(event.data as Record<string, unknown>)) {
    const type = REFERENCE_FIELDS[field];
    if (!type) continue;
    for (const id of Array.isArray(value) ? value : [value]) add(type, id);
  }
  add('actor', event.metadata.actor?.organisationId);
  add('masterplan', masterplanId);
  return refs;
}
