import {
  SCHEMA_VERSIONS,
  isDomainEventType,
  type MasterplanDomainEvent,
} from './event-catalogue.js';

type Data = Record<string, unknown>;
/** Turns the data of one schema version into the next one's. */
type Upcaster = (data: Data) => Data;

/**
 * Upcasters by event type and the version they upgrade from. Old events stay as they were
 * written; they are read in the current shape.
 */
const UPCASTERS: Partial<Record<string, Record<number, Upcaster>>> = {
  ProposalSubmitted: {
    // v1 called the proposal's text `summary` and had no working group.
    1: ({ summary, ...rest }) => ({ ...rest, description: summary }),
  },
};

/** A stored event's type and data in the shape the current code expects. */
export function upcast(
  type: string,
  data: unknown,
  schemaVersion: number | undefined,
): MasterplanDomainEvent {
  if (!isDomainEventType(type)) throw new Error(`Unknown event type '${type}'`);
  let version = schemaVersion ?? 1;
  let current = data as Data;
  while (version < SCHEMA_VERSIONS[type]) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new Error(`No upcaster for ${type} from schema version ${version}`);
    current = step(current);
    version++;
  }
  return { type, data: current } as MasterplanDomainEvent;
}
