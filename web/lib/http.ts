// Content negotiation: JSON for API clients, a full page for a browser, a fragment for htmx.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../src/shared/errors.ts';

/** An API client: it asks for JSON first (or only), or sends JSON without asking for HTML. */
export function wantsJson(req: FastifyRequest): boolean {
  if (isHtmx(req)) return false;
  const accept = String(req.headers.accept ?? '');
  if (accept) {
    const json = accept.indexOf('application/json');
    const html = accept.indexOf('text/html');
    if (json >= 0 && (html < 0 || json < html)) return true;
    if (html >= 0) return false;
  }
  return String(req.headers['content-type'] ?? '').startsWith('application/json');
}

export function isHtmx(req: FastifyRequest): boolean {
  return req.headers['hx-request'] === 'true';
}

export function sendHtml(reply: FastifyReply, html: string | Promise<string>, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** After a browser form post: htmx follows HX-Redirect, a plain form follows 303. */
export function redirect(req: FastifyRequest, reply: FastifyReply, to: string): FastifyReply {
  if (isHtmx(req)) return reply.header('HX-Redirect', to).code(204).send();
  return reply.redirect(to, 303);
}

/** Every HTTP input goes through a zod schema; a failure is a 400 with the field issues. */
export function parse<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, what);
  return parsed.data;
}

export const idParams = z.object({ id: z.string().uuid() });

/** Form fields arrive as strings; '' means "not given". */
export const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
