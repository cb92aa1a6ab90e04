import type DataLoader from 'dataloader';
import type { ReadView } from '../read-store/read-view.js';
import { notFoundError } from './context.js';
import {
  toActor,
  toThemeField,
  toCommitment,
  toDialogue,
  toJointDeclaration,
  toMasterplan,
  toMeasure,
  toProposal,
  toWorkingGroup,
} from './mappers.js';

async function one<Row, T>(
  loader: DataLoader<string, Row | undefined>,
  map: (row: Row, view: ReadView) => T,
  view: ReadView,
  what: string,
  id: string,
): Promise<T> {
  const row = await loader.load(id);
  if (!row) throw notFoundError(what, id, view.asOf);
  return map(row, view);
}

/** Loads one entity as a GraphQL object from a view, or fails with NOT_FOUND. */
export const load = {
  masterplan: (view: ReadView, id: string) =>
    one(view.masterplan, toMasterplan, view, 'masterplan', id),
  actor: (view: ReadView, id: string) => one(view.actor, toActor, view, 'actor', id),
  measure: (view: ReadView, id: string) => one(view.measure, toMeasure, view, 'measure', id),
  proposal: (view: ReadView, id: string) => one(view.proposal, toProposal, view, 'proposal', id),
  commitment: (view: ReadView, id: string) =>
    one(view.commitment, toCommitment, view, 'commitment', id),
  dialogue: (view: ReadView, id: string) => one(view.dialogue, toDialogue, view, 'dialogue', id),
  workingGroup: (view: ReadView, id: string) =>
    one(view.workingGroup, toWorkingGroup, view, 'working group', id),
  /** A theme field, taken from its masterplan's fields (one batched query for all). */
  async themeField(view: ReadView, masterplanId: string, themeFieldId: string) {
    const row = (await view.themeFieldsOfMasterplan.load(masterplanId)).find(
      (f) => f.theme_field_id === themeFieldId,
    );
    if (!row) throw notFoundError('theme field', themeFieldId, view.asOf);
    return toThemeField(row, view);
  },
  jointDeclaration: (view: ReadView, id: string) =>
    one(view.declaration, toJointDeclaration, view, 'joint declaration', id),
};
