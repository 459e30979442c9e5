// Web test harness: a test runtime, the projector in-process, the app, and signed-in merchants.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startProjections, type Projector } from '../../src/projector/role.ts';
import { buildApp, type AppOptions } from '../../web/app.ts';
import { handleCommand } from '../../src/shared/command-handler.ts';
import { decideOrder } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';
import { reserveOrderNumber } from '../../src/orders/numbers.ts';
import { newId } from '../../src/shared/ids.ts';
import { waitForProjection } from '../../web/lib/projection.ts';

export interface WebEnv {
  rt: TestRuntime;
  app: FastifyInstance;
  projector: Projector;
  close: () => Promise<void>;
}

/** Registration is limited per address; route tests sign many users up from one, so the limit is lifted unless given. */
export async function webEnv(options: AppOptions = {}): Promise<WebEnv> {
  const rt = await createTestRuntime();
  const projector = await startProjections(rt);
  const app = await buildApp(rt, { registerRateLimit: 1000, ...options });
  await app.ready();
  return {
    rt,
    app,
    projector,
    close: async () => {
      await app.close();
      await projector.stop();
      await rt.close();
    },
  };
}

export interface Merchant {
  id: string;
  username: string;
  cookie: string;
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'novi_session');
  if (!c) throw new Error(`no session cookie (status ${res.statusCode}: ${res.body.slice(0, 200)})`);
  return `novi_session=${c.value}`;
}

export async function register(app: FastifyInstance, username: string): Promise<Merchant> {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/register',
    headers: { accept: 'application/json' },
    payload: { username, email: `${username}@example.com`, password: 'correct horse battery' },
  });
  if (res.statusCode !== 201) throw new Error(`register ${username}: ${res.statusCode} ${res.body}`);
  return { id: res.json().user.id, username, cookie: sessionCookie(res) };
}

/** JSON API call as a merchant. */
export function api(app: FastifyInstance, m: Merchant | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method,
    url,
    headers: { accept: 'application/json', ...(m ? { cookie: m.cookie } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

/** Places an order through the write side (as the intake reactor would) and waits for its row. */
export async function placeOrder(
  rt: TestRuntime,
  input: { businessId: string; groupId: string; customerName?: string; currency?: string; items?: Array<{ name: string; sku: string | null; quantity: number; unitPrice: number | null }>; text?: string },
): Promise<string> {
  const orderId = newId();
  const metadata = { tenantId: input.businessId, actor: 'bot', correlationId: newId(), causationId: null, occurredAt: new Date().toISOString() };
  const { number } = await reserveOrderNumber(rt.store, { businessId: input.businessId, orderId, metadata });
  const items = input.items ?? [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }];
  await handleCommand({
    store: rt.store,
    streamId: orderStreamId(orderId),
    evolve: evolveOrder,
    initialState: initialOrderState,
    decide: decideOrder,
    command: {
      type: 'PlaceOrder',
      data: {
        orderId,
        businessId: input.businessId,
        groupId: input.groupId,
        number,
        customer: { name: input.customerName ?? 'Bisi Adeyemi', phone: '+2348035550101', address: '14 Admiralty Way, Lekki' },
        items,
        totalAmount: items.reduce((a, i) => a + i.quantity * (i.unitPrice ?? 0), 0),
        currency: input.currency ?? 'NGN',
        deliveryNotes: null,
        source: { messageId: `m-${orderId}`, text: input.text ?? '2 jollof rice please', sender: { name: input.customerName ?? 'Bisi', phone: '+2348035550101' }, receivedAt: new Date().toISOString() },
        parserVersion: 'test',
        missing: [],
      },
      metadata: { now: new Date(), actor: 'bot' },
    },
    metadata,
  });
  if (!(await waitForProjection(rt, { table: 'orders', id: orderId, revision: 0n }, 5000))) throw new Error('order was not projected');
  return orderId;
}
