import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { ConfigurationError, loadConfiguration, type Configuration } from '@ml/config';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { ReactionRunner, isDomainEventType } from '@ml/masterplan';
import { CliModule } from './cli.module.js';
import { RebuildFailed, rebuildProjections } from './rebuild-projections.js';
import { seedAachenDemo } from './seed/aachen-demo.js';
import { showEvent } from './show-event.js';
import { BACKUP_USAGE, backup } from './backup.js';
import { RESTORE_USAGE, restore } from './restore.js';
import { MIGRATE_USAGE, migrate } from './migrate.js';
import { verifyLog } from './verify.js';
import { signCheckpointNow } from './sign-checkpoint.js';
import { exportAuditTrail } from './export-audit.js';
import { exportDeclaration } from './export-declaration.js';
import { TOKEN_DETAILS, printToken } from './token.js';
import { UsageError } from './usage-error.js';

interface Verb {
  /** Its arguments, as its usage line shows them; none when absent. */
  args?: string;
  /** One line for the list of verbs. */
  summary: string;
  /** What `<verb> --help` adds. */
  details: string;
  run(args: string[], configuration: Configuration): Promise<void>;
}

/** A verb's own usage text without its first line (the usage line, which help writes). */
function detailsOf(usage: string): string {
  return usage.split('\n\n').slice(1).join('\n\n').trimEnd();
}

const VERBS: Record<string, Verb> = {
  'seed-demo': {
    summary: 'build the Aachen demo masterplan through real commands (safe to repeat)',
    details: `Fills the store of DATA_DIR (or EVENTSTORE_CONNECTION_STRING): give it the server's.
Also: npm run seed:demo`,
    run: (_args, configuration) => seedDemo(configuration),
  },
  token: {
    args: '--user <id> [--role administrator] [--ttl 12h]',
    summary: "print a bearer token signed with the server's key (in DATA_DIR)",
    details: TOKEN_DETAILS,
    run: printToken,
  },
  'rebuild-projections': {
    args: '[--read-model <name>]...',
    summary:
      'rebuild the read models from position zero, or only those named (stop the server first)',
    details: `Builds them into a new file, then puts it in place of the old one, keeping the
reactions' checkpoint; an event it cannot apply stops it, leaving the old read models as they
were (docs/operations.md). With --read-model (repeatable), only those read models are built
again, in a copy of the live file where the others keep their rows and checkpoints.
Also: npm run projections:rebuild`,
    run: rebuildProjections,
  },
  'show-event': {
    args: '<position | event id>',
    summary: 'print one stored event as JSON (e.g. the one a read model stopped on)',
    details: `Positions are written as projectionStatus and the audit trail give them.`,
    run: showEvent,
  },
  verify: {
    summary: "recompute the log's hash chains and name the first broken link",
    details: `Reads every event in log order and recomputes its links (docs/integrity.md); stops at the
first that does not hold, says what is wrong with it, and exits with 1. Safe while the
server runs.`,
    run: verifyLog,
  },
  'sign-checkpoint': {
    summary: "sign the head of the log with the server's key and print the checkpoint",
    details: `As the mutation signAuditCheckpoint does: the checkpoint is appended to the log, and
checks with the server's public key alone (docs/integrity.md).`,
    run: signCheckpointNow,
  },
  'export-audit': {
    args: '--format csv|jsonl [--out <file>] [--<filter> <value>]...',
    summary: 'the audit trail as CSV or JSON Lines, to a file or stdout',
    details: `Every entry as an administrator reads it, in log order, in flat memory, with a progress
line on stderr. Filters as auditTrail's: --organisationId, --userId, --entityType,
--entityId, --masterplanId, --eventTypes (comma-separated), --occurredFrom,
--occurredBefore (RFC 3339), --correlationId.`,
    run: exportAuditTrail,
  },
  'export-declaration': {
    args: '--declaration <id> --format md|pdf [--out <file>]',
    summary: 'a joint declaration as Markdown or PDF',
    details: `Its text, roadmap, signatories, every commitment to the masterplan and its measures, the
log position shown and the latest signed checkpoint.`,
    run: exportDeclaration,
  },
  backup: {
    args: '<file>',
    summary: 'copy the embedded event store into a new file while the server runs',
    details: detailsOf(BACKUP_USAGE),
    run: backup,
  },
  restore: {
    args: '<file>',
    summary: "replace the embedded store's events with a backup's (server stopped)",
    details: detailsOf(RESTORE_USAGE),
    run: restore,
  },
  migrate: {
    summary: 'copy the embedded store into EventStoreDB/KurrentDB, resumably and verified',
    details: detailsOf(MIGRATE_USAGE),
    run: migrate,
  },
};

const SAME_DATA_DIR = `Give every verb the server's DATA_DIR (and EVENTSTORE_CONNECTION_STRING, if it has one):
the server's token key lives in DATA_DIR, so a token made with another DATA_DIR is answered
401, and seed-demo fills the store of the DATA_DIR it is given.`;

const usageLine = (name: string, verb: Verb) =>
  `npm run cli -- ${name}${verb.args ? ` ${verb.args}` : ''}`;

const USAGE = `Usage: npm run cli -- <verb> [arguments]   (node dist/apps/cli/src/main.js <verb> …)

Verbs:
${Object.entries(VERBS)
  .map(([name, verb]) => `  ${usageLine(name, verb)}\n      ${verb.summary}`)
  .join('\n')}

${SAME_DATA_DIR}
Settings are environment variables (docs/operations.md). <verb> --help says more of one verb.
`;

async function seedDemo(configuration: Configuration): Promise<void> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(configuration), {
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

/** Read first, so that an unexpected error can be shown whole when DEBUG is set. */
let configuration: Configuration | undefined;

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const asksHelp = (words: string[]) => words.some((word) => word === '--help' || word === '-h');
  if (name === undefined || name === 'help' || asksHelp([name])) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const verb = VERBS[name];
  if (!verb) {
    process.stderr.write(`Unknown verb '${name}'.\n\n${USAGE}`);
    process.exit(2);
  }
  if (asksHelp(args)) {
    process.stdout.write(
      `Usage: ${usageLine(name, verb)}\n\n${verb.summary[0]!.toUpperCase()}${verb.summary.slice(1)}.\n${verb.details}\n\n${SAME_DATA_DIR}\n`,
    );
    process.exit(0);
  }
  if (!verb.args && args.length > 0) {
    process.stderr.write(`${name} takes no arguments.\nUsage: ${usageLine(name, verb)}\n`);
    process.exit(2);
  }
  configuration = loadConfiguration();
  await verb.run(args, configuration);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(
    error instanceof ConfigurationError
      ? `Cannot start: ${error.message}`
      : error instanceof RebuildFailed
        ? error.message
        : error instanceof Error && configuration?.DEBUG === undefined
          ? error.message
          : error,
  );
  process.exit(1);
});
