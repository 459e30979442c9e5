// A session child process: one WhatsApp session, isolated from every other tenant's. Started by
// the supervisor (child-entry.mjs), configured over IPC, reporting heartbeats with its RSS.
import { createDbPool } from '../db/pool.ts';
import { createEventStore } from '../eventstore/index.ts';
import { PostgresEventStore } from '../eventstore/postgres.ts';
import { createLogger } from '../logger.ts';
import { EXIT_DISCONNECTED, EXIT_FAILED, type ChildInit, type FromChild, type ToChild } from './protocol.ts';
import { Session } from './session.ts';
import type { Transport } from './transport.ts';
import type { WwebjsAuth } from './transports/wwebjs.ts';
import { PgAuthStore } from './auth-store.ts';

function send(msg: FromChild): void {
  if (process.connected) process.send?.(msg);
}

async function run(init: ChildInit): Promise<number> {
  const logger = createLogger(init.logLevel, { name: 'novi-session', pretty: false }).child({
    sessionId: init.sessionId,
    tenantId: init.businessId,
  });
  // Two connections at most: a machine holds hundreds of sessions against one PostgreSQL.
  const pool = await createDbPool(init.databaseUrl, { maximumPoolSize: 1 });
  const store = init.eventStoreUrl
    ? await createEventStore({ eventStoreUrl: init.eventStoreUrl, databaseUrl: init.databaseUrl })
    : new PostgresEventStore(init.databaseUrl, { poolSize: 1 });

  let transport: Transport;
  if (init.transport === 'simulator') {
    const { SimulatorTransport } = await import('./transports/simulator.ts');
    transport = new SimulatorTransport({ pool, businessId: init.businessId });
  } else {
    const { WwebjsTransport } = await import('./transports/wwebjs.ts');
    const log = (level: 'info' | 'warn', message: string, extra?: Record<string, unknown>) => logger[level](extra ?? {}, message);
    const a = init.whatsappAuth;
    const auth: WwebjsAuth =
      a.mode === 'remote'
        ? { mode: 'remote', backupEveryMs: a.backupEveryMs, store: new PgAuthStore({ pool, dataPath: init.whatsappSessionPath, leaseOwner: a.leaseOwner, maxBytes: a.maxBytes, log }) }
        : { mode: 'local' };
    transport = new WwebjsTransport({
      auth,
      sessionId: init.sessionId,
      sessionPath: init.whatsappSessionPath,
      chromiumPath: init.chromiumPath,
      dataDir: init.dataDir,
      onBrowser: (pid) => send({ type: 'browser', pid }),
      log,
    });
  }

  const session = new Session({
    sessionId: init.sessionId,
    businessId: init.businessId,
    pool,
    store,
    transport,
    logger,
    onState: (state) => send({ type: 'state', state }),
    ...(init.reconcileEveryMs ? { reconcileEveryMs: init.reconcileEveryMs } : {}),
  });

  const beat = () => send({ type: 'heartbeat', rss: process.memoryUsage.rss(), state: session.state });
  const heartbeat = setInterval(beat, 2000);
  beat();

  process.on('message', (msg: ToChild) => {
    if (msg.type === 'poke') session.poke();
    else if (msg.type === 'chats') void session.answerChatList();
    else if (msg.type === 'stop') void session.stop({ logout: msg.logout });
  });
  // The supervisor went away: never linger as an orphan holding a session.
  process.on('disconnect', () => void session.stop({ logout: false }));

  await session.start();
  session.startOutbox();
  const outcome = await session.done;
  clearInterval(heartbeat);
  logger.info({ outcome }, 'session ended');
  if (outcome.kind === 'failed' && process.connected) {
    await new Promise<void>((resolve) => process.send?.({ type: 'failed', reason: outcome.reason } satisfies FromChild, () => resolve()) ?? resolve());
  }
  await transport.stop().catch(() => undefined);
  await store.close().catch(() => undefined);
  await pool.end().catch(() => undefined);
  return outcome.kind === 'stopped' ? 0 : outcome.kind === 'failed' ? EXIT_FAILED : EXIT_DISCONNECTED;
}

if (process.send) {
  process.once('message', (msg: ToChild) => {
    if (msg.type !== 'init') return;
    run(msg).then(
      (code) => process.exit(code),
      (e: unknown) => {
        process.stderr.write(`session child failed: ${(e as Error).stack ?? String(e)}\n`);
        process.exit(EXIT_DISCONNECTED);
      },
    );
  });
}
