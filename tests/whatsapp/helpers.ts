// Shared fixtures of the WhatsApp session tests: a runtime on a fresh database, read-model rows
// as the projector would write them, and waiting helpers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { makeMetadata } from '../../src/events/catalog.ts';
import { newId } from '../../src/shared/ids.ts';
import { createTestDatabase } from '../helpers/db.ts';

export async function testRuntime(env: Record<string, string> = {}): Promise<{ rt: Runtime; done: () => Promise<void> }> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'novi-wa-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, NOVI_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });
  const rt = await createRuntime({ config, logger: createLogger('warn', { pretty: false }), poolSize: 5 });
  return {
    rt,
    done: async () => {
      await rt.close();
      await db.drop();
    },
  };
}

/** A business with one group, as the projector would have written them (and the business stream). */
export async function seedBusiness(rt: Runtime, opts: { country?: string; currency?: string; whatsappId?: string | null } = {}) {
  const businessId = newId();
  const groupId = newId();
  const country = opts.country ?? 'NG';
  const currency = opts.currency ?? 'NGN';
  await rt.pool.query(sql.type(z.object({}))`
    insert into businesses (id, owner_id, name, country, currency, created_at, updated_at)
    values (${businessId}, ${newId()}, 'Mama Put', ${country}, ${currency}, now(), now())`);
  await rt.pool.query(sql.type(z.object({}))`
    insert into groups (id, business_id, name, group_type, whatsapp_id, created_at, updated_at)
    values (${groupId}, ${businessId}, 'Sales', 'sales', ${opts.whatsappId ?? null}, now() - interval '1 day', now())`);
  const id = newId();
  await rt.store.append(`business-${businessId}`, [
    {
      id,
      type: 'BusinessRegistered',
      data: { businessId, ownerId: newId(), name: 'Mama Put', description: null, address: null, phone: null, email: null, country, currency },
      metadata: makeMetadata({ tenantId: businessId, actor: 'test', correlationId: id, now: new Date(), type: 'BusinessRegistered' }),
    },
  ]);
  return { businessId, groupId };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function received(rt: Runtime, groupId: string) {
  return (await rt.store.readStream(`chat-${groupId}`)).filter((e) => e.type === 'MessageReceived');
}

export async function sessionReady(rt: Runtime, sessionId: string, times = 1): Promise<void> {
  await waitFor(`session ${sessionId} ready x${times}`, async () => {
    const events = await rt.store.readStream(`session-${sessionId}`);
    return events.filter((e) => e.type === 'SessionReady').length >= times;
  });
}

export const FAST = { leaseMs: 3000, tickMs: 200, backoffBaseMs: 200, backoffMaxMs: 1000 } as const;
