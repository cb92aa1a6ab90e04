import { projection } from '../projections/projection.js';
import { VALIDITY, changeRow, insertRow } from '../read-store/temporal.js';

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
