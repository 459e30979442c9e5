// One LISTEN connection per web process on `novi_updates` (the projector's NOTIFY after each
// committed batch), shared by the merchant and admin websocket hubs, and on `novi_sessions`
// (ended sign-in sessions, whose sockets web/auth/sockets.ts closes). Listens while anyone is
// subscribed; reconnects after a lost connection (the hubs' pages also poll, so a gap only delays).
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../src/runtime.ts';

/** novi_updates: the projector's news; novi_sessions: an ended sign-in session (sql/011). */
export type FeedChannel = 'novi_updates' | 'novi_sessions';

export interface UpdatesFeed {
  /** Calls `fn` with each notification payload of `channel` until the returned function is called. */
  subscribe(fn: (payload: string) => void, channel?: FeedChannel): () => void;
  /** Resolves once LISTEN is in place (tests wait on it before they cause an update). */
  ready(): Promise<void>;
}

const feeds = new WeakMap<FastifyInstance, UpdatesFeed>();

export function updatesFeed(app: FastifyInstance, rt: Runtime): UpdatesFeed {
  const existing = feeds.get(app);
  if (existing) return existing;

  const subscribers = new Set<(payload: string) => void>();
  const sessionSubscribers = new Set<(payload: string) => void>();
  let listener: pg.Client | null = null;
  let starting: Promise<void> | null = null;
  let closed = false;

  function listen(): Promise<void> {
    if (listener || closed) return Promise.resolve();
    starting ??= (async () => {
      const client = new pg.Client({ connectionString: rt.database.url });
      client.on('notification', (n) => {
        if (!n.payload) return;
        const to = n.channel === 'novi_updates' ? subscribers : n.channel === 'novi_sessions' ? sessionSubscribers : null;
        for (const fn of to ?? []) fn(n.payload);
      });
      client.on('error', (e) => {
        rt.logger.warn({ err: e }, 'novi_updates listener lost; reconnecting');
        if (listener === client) listener = null;
        void client.end().catch(() => undefined);
        if (!closed && subscribers.size + sessionSubscribers.size) setTimeout(() => void listen().catch(() => undefined), 1000);
      });
      await client.connect();
      await client.query('listen novi_updates');
      await client.query('listen novi_sessions');
      if (closed) await client.end();
      else listener = client;
    })().finally(() => {
      starting = null;
    });
    return starting;
  }

  app.addHook('onClose', async () => {
    closed = true;
    await listener?.end().catch(() => undefined);
    listener = null;
  });

  const feed: UpdatesFeed = {
    subscribe(fn, channel = 'novi_updates') {
      const set = channel === 'novi_updates' ? subscribers : sessionSubscribers;
      set.add(fn);
      listen().catch((e: unknown) => rt.logger.warn({ err: e }, 'could not LISTEN novi_updates'));
      return () => set.delete(fn);
    },
    ready: () => listen(),
  };
  feeds.set(app, feed);
  return feed;
}
