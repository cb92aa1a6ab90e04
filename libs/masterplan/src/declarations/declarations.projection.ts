import { projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';
import { versionedTable } from '../read-store/lookup.js';

/** Rows of this read model's tables, as SQLite returns them. */
export interface DeclarationRow {
  declaration_id: string;
  masterplan_id: string;
  text: string;
  roadmap: string;
  published_on: string | null;
}
export interface SignatureRow {
  declaration_id: string;
  actor_id: string;
  signed_on: string;
  signed_by: string;
}

export const declarationsProjection = projection({
  name: 'joint-declarations',
  version: 1,
  canHandle: ['JointDeclarationDrafted', 'JointDeclarationSigned', 'JointDeclarationPublished'],
  schema: `
    CREATE TABLE IF NOT EXISTS joint_declarations (
      declaration_id TEXT NOT NULL, masterplan_id TEXT NOT NULL, text TEXT NOT NULL,
      roadmap TEXT NOT NULL, published_on TEXT, ${VALIDITY}, PRIMARY KEY (declaration_id, valid_to)
    );
    CREATE INDEX IF NOT EXISTS joint_declarations_by_masterplan ON joint_declarations (masterplan_id, valid_to);
    CREATE TABLE IF NOT EXISTS signatures (
      declaration_id TEXT NOT NULL, actor_id TEXT NOT NULL, signed_on TEXT NOT NULL, signed_by TEXT NOT NULL,
      seq INTEGER NOT NULL, ${VALIDITY}, PRIMARY KEY (declaration_id, actor_id, valid_to)
    );
  `,
  apply(event, store) {
    const declarationId = event.streamId.slice('declaration-'.length);
    switch (event.type) {
      case 'JointDeclarationDrafted':
        insertRow(
          store,
          'joint_declarations',
          {
            declaration_id: event.data.declarationId,
            masterplan_id: event.data.masterplanId,
            text: event.data.text,
            roadmap: JSON.stringify(event.data.roadmap),
          },
          event.position,
        );
        return;
      case 'JointDeclarationSigned':
        insertRow(
          store,
          'signatures',
          {
            declaration_id: declarationId,
            actor_id: event.data.actorId,
            signed_on: event.data.signedOn,
            signed_by: event.metadata.actor?.userId ?? 'unknown',
            seq: event.revision,
          },
          event.position,
        );
        return;
      case 'JointDeclarationPublished':
        changeRow(
          store,
          'joint_declarations',
          { declaration_id: declarationId },
          { published_on: event.data.publishedOn },
          event.position,
        );
    }
  },
});

// How the GraphQL side reads these tables, batched per view (ReadView.loader).
const jointDeclarations = versionedTable<DeclarationRow>('joint_declarations');
const signatures = versionedTable<SignatureRow>('signatures');
export const declarationById = jointDeclarations.rowBy('declaration_id');
export const declarationsOfMasterplan = jointDeclarations.rowsBy('masterplan_id');
export const signaturesOfDeclaration = signatures.rowsBy('declaration_id', 'seq');
