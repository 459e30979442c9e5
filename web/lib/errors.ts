// The one error handler: typed errors → `{ error, message, code }` JSON, an htmx fragment or an
// error page; anything unexpected is a 500 that never shows a stack or SQL.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StatementTimeoutError } from 'slonik';
import { ZodError } from 'zod';
import { DomainError, ValidationError, toProblem } from '../../src/shared/errors.ts';
import { isHtmx, sendHtml, wantsJson } from './http.ts';
import { ErrorPage, ErrorFragment } from '../views/layout.tsx';
import { makeI18n, store } from '../i18n/index.ts';

export class Unauthorized extends DomainError {
  readonly code: string = 'UNAUTHORIZED';
  readonly httpStatus: number = 401;
}

export class RateLimited extends DomainError {
  readonly code: string = 'RATE_LIMITED';
  readonly httpStatus: number = 429;
}

/** A user's second export while the first is still running (one at a time per user). */
export class ExportInProgress extends DomainError {
  readonly code: string = 'EXPORT_IN_PROGRESS';
  readonly httpStatus: number = 409;
}

interface Problem {
  status: number;
  message: string;
  code: string;
}

const FASTIFY_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export function problemOf(error: unknown): Problem {
  if (error instanceof DomainError) {
    const p = toProblem(error);
    return { status: p.status, message: p.body.message, code: p.body.code };
  }
  if (error instanceof ZodError) {
    const v = ValidationError.fromZod(error);
    return { status: 400, message: v.message, code: v.code };
  }
  // A read past the web role's statement timeout (NOVI_WEB_STATEMENT_TIMEOUT_MS): the server is busy
  // or the request asks too much; say so instead of hanging or calling it an internal error.
  if (error instanceof StatementTimeoutError) {
    return { status: 503, message: 'The query took too long and was stopped; narrow the filters or try again in a moment', code: 'QUERY_TIMEOUT' };
  }
  const fe = error as Partial<FastifyError> | null;
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  // Fastify's own 4xx errors (bad JSON, unsupported media type, body too large) carry safe messages.
  if (status >= 400 && status < 500) {
    return { status, message: String(fe?.message ?? 'Bad request'), code: FASTIFY_CODES[status] ?? 'BAD_REQUEST' };
  }
  return { status: 500, message: 'Internal server error', code: 'INTERNAL_ERROR' };
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  if (wantsJson(req)) return reply.code(p.status).send({ error: true, message: p.message, code: p.code });
  if (p.status === 401) {
    if (isHtmx(req)) return reply.header('HX-Redirect', '/login').code(401).send();
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (isHtmx(req)) {
    reply.header('HX-Retarget', '#flash').header('HX-Reswap', 'innerHTML');
    return sendHtml(reply, store.run(req.i18n ?? makeI18n('en'), () => ErrorFragment({ message: p.message, status: p.status })), p.status);
  }
  return sendHtml(reply, store.run(req.i18n ?? makeI18n('en'), () => ErrorPage({ message: p.message, status: p.status, user: req.user })), p.status);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, req, reply) => {
    const p = problemOf(error);
    if (p.status >= 500) req.log.error({ err: error, url: req.url }, 'request failed');
    return sendProblem(req, reply, p);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, { status: 404, message: 'Not found', code: 'NOT_FOUND' }));
}
