// Every websocket (merchant /ws and admin /admin/ws) belongs to the sign-in session that opened
// it and lives no longer than that session:
//   - the upgrade is refused (403) when its Origin is neither this server nor ALLOWED_ORIGINS;
//   - a deleted session (sign-out, rotation on sign-in, deactivation: sql/011's trigger
//     announces it on novi_sessions to every web process) closes its sockets at once (4401);
//   - every `recheckMs` the sessions of open sockets are read again (expired, deleted while the
//     LISTEN connection was down, user deactivated) and the dead ones are closed (4401);
//   - a user holds at most `maxPerUser` sockets per web process; one more closes the oldest
//     (4429), so a tab left open elsewhere or a half-dead connection never locks a user out.
// Installed before @fastify/websocket, it wraps each websocket route's handler (onRoute).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { sql } from 'slonik';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { Forbidden } from '../../src/shared/errors.ts';
import { updatesFeed } from '../lib/updates.ts';
import { originAllowed } from './plugin.ts';

export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_TOO_MANY = 4429;

interface Live {
  socket: WebSocket;
  userId: string;
  sessionId: string;
  digest: string;
}

export interface LiveSockets {
  /** Closes every socket of a session (this process); other processes hear it on novi_sessions. */
  closeSession(sessionId: string): void;
  /** Checks the sessions of every open socket now (the timer does it every `recheckMs`). */
  recheck(): Promise<void>;
  /** Open sockets of a user in this process. */
  count(userId: string): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveSockets: LiveSockets;
  }
}

const digestOf = (sessionId: string): string => createHash('sha256').update(sessionId, 'utf8').digest('hex');
const ended = z.object({ userId: z.string(), session: z.string() });

export function liveSocketsPlugin(app: FastifyInstance, rt: Runtime, opts: { recheckMs: number; maxPerUser: number }): void {
  const live = new Set<Live>();
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const feed = updatesFeed(app, rt);

  function close(l: Live, code: number, reason: string): void {
    live.delete(l);
    try {
      l.socket.close(code, reason);
    } catch {
      l.socket.terminate();
    }
  }

  function onEnded(payload: string): void {
    let msg: z.infer<typeof ended>;
    try {
      msg = ended.parse(JSON.parse(payload));
    } catch {
      return;
    }
    for (const l of live) if (l.digest === msg.session) close(l, CLOSE_SIGNED_OUT, 'signed out');
  }

  async function recheck(): Promise<void> {
    if (live.size === 0) return;
    const ids = [...new Set([...live].map((l) => l.sessionId))];
    const valid = new Set(
      await rt.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
        select s.id from auth_sessions s left join users u on u.id = s.user_id
         where s.id = any(${sql.array(ids, 'text')}) and s.expires_at > now() and coalesce(u.active, true)`),
    );
    for (const l of live) if (!valid.has(l.sessionId)) close(l, CLOSE_SIGNED_OUT, 'session ended');
  }

  function track(req: FastifyRequest, socket: WebSocket): void {
    const session = req.authSession;
    if (!session || !req.user) return;
    const l: Live = { socket, userId: req.user.id, sessionId: session.id, digest: digestOf(session.id) };
    const mine = [...live].filter((x) => x.userId === l.userId);
    // Oldest first (insertion order of the set).
    for (const old of mine.slice(0, Math.max(0, mine.length + 1 - opts.maxPerUser))) close(old, CLOSE_TOO_MANY, 'too many live connections for this account');
    live.add(l);
    socket.on('close', () => live.delete(l));
    unsubscribe ??= feed.subscribe(onEnded, 'novi_sessions');
    timer ??= setInterval(() => {
      recheck().catch((e: unknown) => rt.logger.warn({ err: e }, 'websocket session re-check failed'));
    }, opts.recheckMs).unref();
  }

  app.decorate<LiveSockets>('liveSockets', {
    closeSession(sessionId) {
      for (const l of live) if (l.sessionId === sessionId) close(l, CLOSE_SIGNED_OUT, 'signed out');
    },
    recheck,
    count: (userId) => [...live].filter((l) => l.userId === userId).length,
  });

  app.addHook('onRoute', (route: RouteOptions & { websocket?: boolean }) => {
    if (!route.websocket) return;
    const checkOrigin = async (req: FastifyRequest) => {
      if (!originAllowed(req, rt.config.allowedOrigins)) throw new Forbidden('This live connection must come from a Novi page');
    };
    route.preValidation = [...(Array.isArray(route.preValidation) ? route.preValidation : route.preValidation ? [route.preValidation] : []), checkOrigin];
    const handler = route.handler as unknown as (socket: WebSocket, req: FastifyRequest) => unknown;
    route.handler = function (this: unknown, socket: WebSocket, req: FastifyRequest) {
      // Tracked once the route accepted it: a socket the route refused (4401, 4403) counts for nothing.
      const after = () => {
        if (socket.readyState === socket.OPEN) track(req, socket);
      };
      const result = handler.call(this, socket, req);
      if (result instanceof Promise) return result.then((r: unknown) => (after(), r));
      after();
      return result;
    } as unknown as RouteOptions['handler'];
  });

  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    unsubscribe?.();
  });
}
