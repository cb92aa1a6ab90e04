export * from './contract.js';
export * from './errors.js';
export * from './config.js';
export * from './event-store.module.js';
export { wasWritten } from './new-events.js';
export {
  SqliteEventStore,
  type SqliteDurability,
  type SqliteWriterMode,
} from './sqlite/sqlite-event-store.js';
export {
  backupStore,
  inspectStoreFile,
  openExclusively,
  restoreStore,
  type StoreFileSummary,
} from './sqlite/sqlite-backup.js';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
export {
  MigrationFailed,
  migrateEvents,
  verifyMigration,
  type MigrationProgress,
  type MigrationReport,
  type VerifiedCopy,
} from './migrate.js';
export * from './integrity/chain.js';
export * from './integrity/verify.js';
export { ensureChainGenesis } from './integrity/genesis.js';
