import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GraphQLError } from 'graphql';
import { TokenVerifier } from '@ml/auth';
import { authenticate } from '../security/authenticate.js';
import {
  EXPORT_CONTENT_TYPES,
  ReadStore,
  ReadView,
  criteriaFromText,
  declarationDocument,
  declarationMarkdown,
  declarationPdf,
  type GqlContext,
  exportAudit,
  exportText,
  type ExportFormat,
} from '@ml/masterplan';
import { errorBody } from '../graphql/request-errors.js';
import { Gate, GateFull } from '../graphql/turns.js';

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
  /** Exports running at once; more wait, and beyond that are asked to come back. */
  private readonly turns = new Gate(2, 4);

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly readStore: ReadStore,
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
    const ctx = { user: null, correlationId: '' } as unknown as GqlContext;
    ctx.view = new ReadView(this.readStore, undefined, ctx);
    let doc;
    try {
      doc = await declarationDocument(ctx.view, id);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      await reply
        .status(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(error.message, error.extensions));
      return;
    }
    const file = `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'pdf' ? 'pdf' : 'md'}`;
    reply.header('content-disposition', `attachment; filename="${file}"`);
    if (format === 'pdf')
      await reply.header('content-type', 'application/pdf').send(declarationPdf(doc));
    else
      await reply
        .header('content-type', 'text/markdown; charset=utf-8')
        .send(declarationMarkdown(doc));
  }

  private async exportAudit(
    format: ExportFormat,
    authorization: string | undefined,
    query: Record<string, unknown>,
    reply: FastifyReply,
  ): Promise<void> {
    let leave: (() => void) | undefined;
    try {
      const user = await this.caller(authorization);
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
      if (error instanceof GateFull) {
        await reply
          .status(429)
          .header('retry-after', '5')
          .header('content-type', 'application/json; charset=utf-8')
          .send(
            errorBody('Other exports are running; try again in a few seconds', {
              code: 'RATE_LIMITED',
              limit: 'exports',
              retryAfterSeconds: 5,
            }),
          );
        return;
      }
      if (!(error instanceof GraphQLError)) throw error;
      const code = String(error.extensions.code);
      await reply
        .status(STATUS_OF[code] ?? 400)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(error.message, error.extensions));
    }
  }

  private async caller(authorization: string | undefined) {
    const verified = await authenticate(this.verifier, authorization);
    return verified && { userId: verified.userId, isAdministrator: verified.isAdministrator };
  }
}
