import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { ConfigurationError, EVENT_STORE, type EventStore } from '@ml/event-store';
import { ReactionRunner, isDomainEventType } from '@ml/masterplan';
import { backup } from './backup.js';
import { CliModule } from './cli.module.js';
import { migrate } from './migrate.js';
import { RebuildFailed, rebuildProjections } from './rebuild-projections.js';
import { restore } from './restore.js';
import { seedAachenDemo } from './seed/aachen-demo.js';
import { showEvent } from './show-event.js';
import { EXPORT_AUDIT_USAGE, exportAuditTrail } from './export-audit.js';
import { EXPORT_DECLARATION_USAGE, exportDeclaration } from './export-declaration.js';
import { printToken } from './token.js';

const USAGE = `Usage: node dist/apps/cli/src/main.js <verb>

Verbs:
  seed-demo             build the Aachen demo masterplan through real commands (safe to repeat)
  token --user <id> [--role administrator] [--ttl 12h]
                        print a bearer token signed with this server's key (in DATA_DIR)
  rebuild-projections [--read-model <name>]...
                        rebuild the read models from position zero, or only those named
                        (stop the server first)
  ${EXPORT_AUDIT_USAGE}
  ${EXPORT_DECLARATION_USAGE}
  show-event <position | event id>
                        print one stored event as JSON (e.g. the one a read model stopped on)
  backup <file>         copy the embedded event store into a new file while the server runs
  restore <file>        replace the embedded store's events with a backup's (server stopped)
  migrate               copy the embedded store into EventStoreDB/KurrentDB (EVENTSTORE_CONNECTION_STRING)
                        (backup, restore and migrate explain themselves with --help)
`;

async function seedDemo(): Promise<void> {
  const app = await NestFactory.createApplicationContext(CliModule, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await app.init();
  try {
    const report = await seedAachenDemo(app.get(CommandBus), app.get(ReactionRunner));
    const store = app.get<EventStore>(EVENT_STORE);
    const byType = new Map<string, number>();
    let total = 0;
    let bookkeeping = 0;
    for await (const event of store.readAll()) {
      if (!isDomainEventType(event.type)) {
        bookkeeping++;
        continue;
      }
      total++;
      byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    }
    console.log(
      `Aachen demo: ${report.commands} commands, ${report.repeated} of them repeats of an earlier run.`,
    );
    console.log(
      `The store now holds ${total} domain events (and ${bookkeeping} records of reserved ids and used idempotency keys):`,
    );
    for (const [type, count] of [...byType].sort((a, b) => b[1] - a[1]))
      console.log(`  ${String(count).padStart(4)}  ${type}`);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const verb = process.argv[2];
  if (verb === 'seed-demo') return seedDemo();
  if (verb === 'token') return printToken(process.argv.slice(3));
  if (verb === 'rebuild-projections') return rebuildProjections(process.argv.slice(3));
  if (verb === 'show-event') return showEvent(process.argv.slice(3));
  if (verb === 'export-audit') return exportAuditTrail(process.argv.slice(3));
  if (verb === 'export-declaration') return exportDeclaration(process.argv.slice(3));
  if (verb === 'backup') return backup(process.argv.slice(3));
  if (verb === 'restore') return restore(process.argv.slice(3));
  if (verb === 'migrate') return migrate(process.argv.slice(3));
  process.stderr.write(USAGE);
  process.exit(verb ? 2 : 0);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigurationError
      ? `Cannot start: ${error.message}`
      : error instanceof RebuildFailed
        ? error.message
        : error instanceof Error && !process.env.DEBUG
          ? error.message
          : error,
  );
  process.exit(1);
});
