import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { errorBody } from '../graphql/request-errors.js';
import { httpScope } from '../logging/request-scope.js';

export const INVALID_UTF8_BODY = 'ML_INVALID_UTF8_BODY';
const NOT_UTF8_QUERY = "The request's query string is not valid UTF-8 (after percent-decoding)";

/**
 * Text reaches the server only as the UTF-8 it was sent as. Decoded leniently, as Fastify and
 * URLSearchParams do, bytes that are no UTF-8 would become U+FFFD and be stored so in the
 * hash-chained log, a text the client never sent. So a JSON body (every route, /graphql
 * included) and a query string that are not valid UTF-8 are refused, 400 BAD_REQUEST,
 * before anything runs.
 */
export function acceptOnlyUtf8(app: NestFastifyApplication, bodyBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  // Fastify's own JSON parser (secure-json-parse: "__proto__" and constructor.prototype
  // refused), given text decoded strictly.
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.useBodyParser<Server>('application/json', { bodyLimit: bodyBytes }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      const error = Object.assign(new Error('The request body is not valid UTF-8'), {
        statusCode: 400,
        code: INVALID_UTF8_BODY,
      });
      return done(error, undefined);
    }
    return parseJson(request, text, done);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (queryIsUtf8(request)) return done();
    httpScope(request, 'BAD_REQUEST');
    void reply
      .status(400)
      .type('application/json; charset=utf-8')
      .send(errorBody(NOT_UTF8_QUERY, { code: 'BAD_REQUEST' }));
  });
}

/** Whether the query string's percent-escapes spell UTF-8 (a lone "%" is no escape). */
function queryIsUtf8(request: FastifyRequest): boolean {
  const url = request.url;
  const start = url.indexOf('?');
  if (start < 0 || !url.includes('%', start)) return true;
  try {
    decodeURIComponent(url.slice(start + 1).replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    return true;
  } catch {
    return false;
  }
}
