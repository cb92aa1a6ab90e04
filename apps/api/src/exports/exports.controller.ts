import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { TokenVerifier, latestCheckpoints } from '@ml/auth';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { authenticate } from '../security/authenticate.js';
import {
  EXPORT_CONTENT_TYPES,
  ReadStore,
  ReadView,
  criteriaFromText,
  declarationDocument,
  declarationMarkdown,
  declarationPdf,
  withCheckpoint,
  type GqlContext,
  exportAudit,
  exportText,
  Lru,
  Projector,
  type ExportFormat,
} from '@ml/masterplan';
import { buffer } from 'node:stream/consumers';
import { errorBody } from '../graphql/request-errors.js';
import { Gate, GateFull } from '../graphql/turns.js';
import { SecurityLog } from '../security/security-log.js';
import { scopeOfRequest } from '../logging/request-scope.js';

const STATUS_OF: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/**
 * The audit trail as a file, streamed: `GET /exports/audit.csv` or `/exports/audit.jsonl`,
 * with the filters of `auditTrail` as URL parameters and the same rights (a token of an
 * administrator or representative; the people behind entries as `auditTrail` shows them).
 */
@Controller('exports')
export class ExportsController {
  /**
   * Exports of the trail running at once; more wait, and beyond that are asked to come
   * back. Declarations, which anyone may ask for, take turns of their own, so that no
   * anonymous flood keeps auditors from their exports.
   */
  private readonly turns = new Gate(2, 4);
  private readonly declarationTurns = new Gate(2, 4);
  /** Declarations' files as made, by read-model version, format and id. */
  private readonly declarations = new Lru<string, Buffer | string>(32, 16 * 1024 * 1024);
  private readonly making = new Map<string, Promise<Buffer | string>>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly readStore: ReadStore,
    private readonly projector: Projector,
    private readonly security: SecurityLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('audit.csv')
  csv(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exportAudit('csv', authorization, query, reply);
  }

  @Get('audit.jsonl')
  jsonl(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.exportAudit('jsonl', authorization, query, reply);
  }

  /** The joint declaration as Markdown, for anyone (it is public, as in GraphQL). */
  @Get('declarations/:id/markdown')
  markdown(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.exportDeclaration(id, 'markdown', reply);
  }

  /** The joint declaration as a PDF (A4), for anyone. */
  @Get('declarations/:id/pdf')
  pdf(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.exportDeclaration(id, 'pdf', reply);
  }

  private async exportDeclaration(
    id: string,
    format: 'markdown' | 'pdf',
    reply: FastifyReply,
  ): Promise<void> {
    let made: Buffer | string;
    try {
      made = await this.declarationFile(id, format);
    } catch (error) {
      if (error instanceof GateFull) return this.busy(reply);
      if (!(error instanceof GraphQLError)) throw error;
      await reply
        .status(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(error.message, error.extensions));
      return;
    }
    const file = `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'pdf' ? 'pdf' : 'md'}`;
    await reply
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('content-type', format === 'pdf' ? 'application/pdf' : 'text/markdown; charset=utf-8')
      .send(made);
  }

  /**
   * A declaration's file as the read models now show it: made once per change of them
   * (anyone may ask, a thousand times a second), two at a time; whoever asks while it is
   * being made waits for that one.
   */
  private declarationFile(id: string, format: 'markdown' | 'pdf'): Promise<Buffer | string> {
    const key = `${this.projector.version}\u0000${format}\u0000${id}`;
    const kept = this.declarations.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    let making = this.making.get(key);
    if (!making) {
      making = (async () => {
        // What it says is read first (an unknown declaration is refused without a turn);
        // only the making of the file takes one, among declarations' own.
        const ctx = { user: null, correlationId: '' } as unknown as GqlContext;
        ctx.view = new ReadView(this.readStore, undefined, ctx);
        const doc = withCheckpoint(
          await declarationDocument(ctx.view, id),
          (await latestCheckpoints(this.store, 1))[0],
        );
        const leave = await this.declarationTurns.enter();
        try {
          const made =
            format === 'pdf' ? await buffer(declarationPdf(doc)) : declarationMarkdown(doc);
          this.declarations.set(key, made, made.length);
          return made;
        } finally {
          leave();
        }
      })();
      this.making.set(key, making);
      void making.finally(() => this.making.delete(key)).catch(() => undefined);
    }
    return making;
  }

  private async busy(reply: FastifyReply): Promise<void> {
    const message = 'Other exports are running; try again in a few seconds';
    const extensions = { code: 'RATE_LIMITED', limit: 'exports', retryAfterSeconds: 5 };
    this.security.refusedRequest(reply.request, extensions.code, message, {
      limit: extensions.limit,
    });
    await reply
      .status(429)
      .header('retry-after', '5')
      .header('content-type', 'application/json; charset=utf-8')
      .send(errorBody(message, extensions));
  }

  private async exportAudit(
    format: ExportFormat,
    authorization: string | undefined,
    query: Record<string, unknown>,
    reply: FastifyReply,
  ): Promise<void> {
    let leave: (() => void) | undefined;
    try {
      const user = await this.caller(authorization, reply.request);
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(query)) {
        if (typeof value !== 'string')
          throw new GraphQLError(`Give the filter '${name}' once`, {
            extensions: { code: 'BAD_USER_INPUT', field: name },
          });
        params[name] = value;
      }
      const criteria = criteriaFromText(params);
      leave = await this.turns.enter();
      const { total, entries } = await exportAudit(this.readStore, user, criteria);
      const text = exportText(entries, format);
      const done = leave;
      text.once('close', done);
      leave = undefined;
      await reply
        .header('content-type', EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="audit-trail.${format}"`)
        .header('x-total-count', String(total))
        .send(text);
    } catch (error) {
      leave?.();
      if (error instanceof GateFull) return this.busy(reply);
      if (!(error instanceof GraphQLError)) throw error;
      const code = String(error.extensions.code);
      this.security.refusedRequest(reply.request, code, error.message);
      await reply
        .status(STATUS_OF[code] ?? 400)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(error.message, error.extensions));
    }
  }

  private async caller(authorization: string | undefined, request: FastifyRequest) {
    const verified = await authenticate(this.verifier, authorization);
    if (!verified) return verified;
    // The request's log line and security lines name the user, as GraphQL's do.
    scopeOfRequest(request.raw).userId = verified.userId;
    return { userId: verified.userId, isAdministrator: verified.isAdministrator };
  }
}
