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

/** The entity an event is chiefly about: the commitment for commitment events, else its stream's. */
export function primaryEntity(event: StoredEvent): EntityRef {
  if (event.type.startsWith('Commitment'))
    return { type: 'commitment', id: (event.data as { commitmentId: string }).commitmentId };
  const [prefix, type] = STREAM_ENTITY.find(([p]) => event.streamId.startsWith(p)) ?? [
    '',
    'masterplan',
  ];
  return { type, id: event.streamId.slice(prefix.length) };
}

/** Every entity an event concerns, so each one's history finds it. */
export function entitiesOf(event: StoredEvent): EntityRef[] {
  const data = event.data as Record<string, unknown>;
  const refs: EntityRef[] = [primaryEntity(event)];
  const add = (type: EntityType, id: unknown) => {
    if (typeof id === 'string' && !refs.some((r) => r.type === type && r.id === id))
      refs.push({ type, id });
  };
  add('actor', data.actorId);
  add('actor', data.facilitatorActorId);
  add('measure', data.measureId);
  add('proposal', data.sourceProposalId);
  add('proposal', data.proposalId);
  add('masterplan', data.masterplanId);
  add('working_group', data.workingGroupId);
  if (Array.isArray(data.participantActorIds))
    for (const id of data.participantActorIds) add('actor', id);
  const organisation = event.metadata.actor?.organisationId;
  add('actor', organisation);
  return refs;
}
