import type { StoredEvent } from '../src/shared/stored-event.js';

/**
 * What each entity's history must hold, derived from the events alone (not from the
 * server's code): the entity whose stream holds an event, every entity its data names (by
 * field name: `sourceProposalId` names a proposal), the organisation the user acted for, and
 * the masterplan it belongs to. An id field of no known kind fails loudly, so a new
 * reference cannot be overlooked.
 */
export type Entity = `${string}:${string}`;

const STREAMS: Array<[string, string]> = [
  ['masterplan-', 'masterplan'],
  ['actor-', 'actor'],
  ['measure-', 'measure'],
  ['proposal-', 'proposal'],
  ['dialogue-', 'dialogue'],
  ['workinggroup-', 'working_group'],
  ['declaration-', 'joint_declaration'],
];
/** Id fields that name no entity with a history of its own. */
const NO_HISTORY = new Set(['themeFieldId', 'milestoneId', 'userId']);

/** The kind of entity a data field names, by its name: `sourceProposalId` → proposal. */
function kindOfField(field: string): string | undefined {
  if (!/Ids?$/.test(field) || NO_HISTORY.has(field)) return undefined;
  const base = field
    .replace(/Ids?$/, '')
    .replace(/^(facilitator|participant|source)(?=[A-Z])/, '')
    .replace(/^./, (c) => c.toLowerCase());
  const kind = (
    {
      actor: 'actor',
      measure: 'measure',
      commitment: 'commitment',
      proposal: 'proposal',
      masterplan: 'masterplan',
      dialogue: 'dialogue',
      workingGroup: 'working_group',
      declaration: 'joint_declaration',
    } as Record<string, string>
  )[base];
  if (!kind) throw new Error(`The id field '${field}' names no known kind of entity`);
  return kind;
}

/** What each entity's history must hold, from the log alone. */
export function expectedHistories(events: StoredEvent[]): Map<Entity, Set<string>> {
  const owner = new Map<Entity, string>();
  const histories = new Map<Entity, Set<string>>();
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const named = new Set<Entity>();
    const [prefix, kind] = STREAMS.find(([p]) => event.streamId.startsWith(p))!;
    named.add(`${kind}:${event.streamId.slice(prefix.length)}`);
    for (const [field, value] of Object.entries(data)) {
      const fieldKind = kindOfField(field);
      if (fieldKind)
        for (const id of Array.isArray(value) ? value : [value])
          named.add(`${fieldKind}:${String(id)}`);
    }
    if (event.metadata.actor?.organisationId)
      named.add(`actor:${event.metadata.actor.organisationId}`);
    const masterplan =
      typeof data.masterplanId === 'string'
        ? data.masterplanId
        : [...named].map((e) => owner.get(e)).find((m) => m !== undefined);
    if (masterplan) {
      named.add(`masterplan:${masterplan}`);
      for (const entity of named) if (!entity.startsWith('actor:')) owner.set(entity, masterplan);
    }
    for (const entity of named)
      histories.set(entity, (histories.get(entity) ?? new Set()).add(event.position));
  }
  return histories;
}
