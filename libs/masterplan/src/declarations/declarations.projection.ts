import type { Projection } from '../projections/projection.js';

export const declarationsProjection: Projection = {
  name: 'joint-declarations',
  schema: `
    CREATE TABLE IF NOT EXISTS joint_declarations (
      declaration_id TEXT PRIMARY KEY, masterplan_id TEXT NOT NULL, text TEXT NOT NULL,
      roadmap TEXT NOT NULL, published_on TEXT, version INTEGER NOT NULL, position TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS signatures (
      declaration_id TEXT NOT NULL, actor_id TEXT NOT NULL, signed_on TEXT NOT NULL, signed_by TEXT NOT NULL,
      seq INTEGER NOT NULL, PRIMARY KEY (declaration_id, actor_id)
    );
  `,
  apply(event, store) {
    if (!event.streamId.startsWith('declaration-')) return;
    const declarationId = event.streamId.slice('declaration-'.length);
    switch (event.type) {
      case 'JointDeclarationDrafted':
        store.run(
          'INSERT INTO joint_declarations (declaration_id, masterplan_id, text, roadmap, version, position) VALUES (?, ?, ?, ?, ?, ?)',
          event.data.declarationId,
          event.data.masterplanId,
          event.data.text,
          JSON.stringify(event.data.roadmap),
          event.revision,
          event.position,
        );
        return;
      case 'JointDeclarationSigned':
        store.run(
          'INSERT INTO signatures (declaration_id, actor_id, signed_on, signed_by, seq) VALUES (?, ?, ?, ?, ?)',
          declarationId,
          event.data.actorId,
          event.data.signedOn,
          event.metadata.actor?.userId ?? 'unknown',
          event.revision,
        );
        break;
      case 'JointDeclarationPublished':
        store.run(
          'UPDATE joint_declarations SET published_on = ? WHERE declaration_id = ?',
          event.data.publishedOn,
          declarationId,
        );
        break;
    }
    store.run(
      'UPDATE joint_declarations SET version = ?, position = ? WHERE declaration_id = ?',
      event.revision,
      event.position,
      declarationId,
    );
  },
};
