// Admin test helpers: an admin account made the way `novi admin create` makes it, signed in over
// HTTP, and one order taken through the real pipeline (simulator session → MessageReceived →
// intake → OrderPlaced → status changes → the bot's replies).
import type { FastifyInstance } from 'fastify';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { registerAccount } from '../../src/accounts/registration.ts';
import { newId } from '../../src/shared/ids.ts';
import { waitUntil } from '../../web/lib/projection.ts';
import { api, sessionCookie, type Merchant } from '../web/harness.ts';

export const ADMIN_PASSWORD = 'admin password 123';

/** Waits until the users read model shows the role, so the session carries it. */
export async function waitForRole(rt: Runtime, userId: string, role: 'admin' | 'merchant'): Promise<void> {
  const ok = await waitUntil(async () => (await rt.pool.maybeOneFirst(sql.type(z.object({ role: z.string() }))`select role from users where id = ${userId}`)) === role, 10_000);
  if (!ok) throw new Error(`users projection did not show ${userId} as ${role}`);
}

export async function signIn(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', headers: { accept: 'application/json' }, payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in ${username}: ${res.statusCode} ${res.body}`);
  return sessionCookie(res);
}

export async function createAdmin(app: FastifyInstance, rt: Runtime, username: string): Promise<Merchant> {
  const a = await registerAccount(rt, { username, email: `${username}@novi.test`, password: ADMIN_PASSWORD, role: 'admin' }, { correlationId: newId(), actor: 'system' });
  await waitForRole(rt, a.userId, 'admin');
  return { id: a.userId, username, cookie: await signIn(app, username, ADMIN_PASSWORD) };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PipelineOrder {
  businessId: string;
  groupId: string;
  sessionId: string;
  orderId: string;
  messageId: string;
}

/** A business with a simulator session; one customer message becomes an order, moved to delivered. */
export async function orderThroughPipeline(
  app: FastifyInstance,
  rt: Runtime,
  merchant: Merchant,
  opts: { businessName: string; fromName: string; text: string },
): Promise<PipelineOrder> {
  const b = await api(app, merchant, 'POST', '/business', { name: opts.businessName, country: 'NG' });
  if (b.statusCode !== 201) throw new Error(`business: ${b.body}`);
  const businessId: string = b.json().business.id;
  await api(app, merchant, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] }] });
  // Auto-accept as before the review queue (issue 11 §3): these tests follow an order, not its review.
  await api(app, merchant, 'PUT', `/business/${businessId}/review-settings`, { autoAcceptThreshold: 0.5, reviewMode: 'hold' });
  const g = await api(app, merchant, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  if (g.statusCode !== 201) throw new Error(`group: ${g.body}`);
  const groupId: string = g.json().group.id;
  const s = await api(app, merchant, 'POST', `/business/${businessId}/whatsapp`, { transport: 'simulator' });
  if (s.statusCode !== 202) throw new Error(`session: ${s.body}`);
  const sessionId: string = s.json().session.id;
  const m = await api(app, merchant, 'POST', '/api/simulator/messages', { groupId, from: { name: opts.fromName, phone: '+2348035550101' }, text: opts.text });
  if (m.statusCode !== 202) throw new Error(`message: ${m.body}`);
  const messageId: string = m.json().messageId;
  const orderId = await waitFor('the order', async () => {
    const r = await api(app, merchant, 'GET', `/orders?businessId=${businessId}`);
    return (r.json().orders?.[0]?.id as string | undefined) ?? null;
  }, 60_000);
  for (const status of ['confirmed', 'processing', 'out_for_delivery', 'delivered']) {
    const r = await api(app, merchant, 'PUT', `/orders/${orderId}`, { status });
    if (r.statusCode !== 200) throw new Error(`status ${status}: ${r.statusCode} ${r.body}`);
  }
  // The confirmation and the status notifications, sent by the session worker.
  await waitFor('the bot replies', async () => {
    const n = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      select count(*) as n from es_events where type = 'MessageSent' and data->>'orderId' = ${orderId}`);
    return n >= 2;
  }, 60_000);
  return { businessId, groupId, sessionId, orderId, messageId };
}
