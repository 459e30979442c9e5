// Customers: GET /customers (search by name or phone), GET /customers/:key (orders, totals, notes)
// and POST /customers/:key/note (the merchant's note: SetCustomerNote → CustomerNoteSet);
// GET/POST /customers/:key/erase and POST /api/customers/:key/erase (erasure, src/customers/erasure.ts).
import { t } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../src/runtime.ts';
import { customerCommandSchemas, decideCustomer, type CustomerCommand } from '../../src/customers/commands.ts';
import { customerStreamId, evolveCustomer, initialCustomerState, type CustomerEvent, type CustomerState } from '../../src/customers/customer.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { NotFound } from '../../src/shared/errors.ts';
import { eraseCustomer, erasureProjected } from '../../src/customers/erasure.ts';
import { requireUser, type AuthUser } from '../auth/plugin.ts';
import { parse, redirect, sendHtml, wantsJson } from '../lib/http.ts';
import { waitUntil } from '../lib/projection.ts';
import { customerFilters, customerHref, customerKeyParam, customerNote, getCustomer, listCustomers } from '../lib/customers.ts';
import { listBusinesses, narrow, userScope } from '../lib/queries.ts';
import { Layout } from '../views/layout.tsx';
import { CustomerErasePage, CustomerList, CustomerPage } from '../views/customers.tsx';

const blankless = (q: unknown) => (typeof q === 'object' && q !== null ? Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')) : q);
export const detailQuery = z.object({ businessId: z.string().uuid().optional() });
export const noteBody = z.object({ businessId: z.string().uuid(), note: z.string().max(2000) });
export const eraseQuery = z.object({ businessId: z.string().uuid() });
export const eraseBody = z.object({
  businessId: z.string().uuid(),
  confirm: z.literal('yes', { errorMap: () => ({ message: 'confirm with "yes": the customer\'s personal data cannot be brought back' }) }),
});

/**
 * Erasure is a business owner's (staff and riders: 403), or an admin's for support; another
 * tenant's business or customer answers 404, like every other id outside the user's scope.
 */
async function assertMayErase(rt: Runtime, user: AuthUser, businessId: string): Promise<void> {
  narrow(await userScope(rt, user, 'settings'), businessId);
}

/** A key that cannot exist (too long, empty) is just a customer that is not there. */
function keyOf(params: unknown): string {
  const p = customerKeyParam.safeParse(params);
  if (!p.success) throw new NotFound('Customer not found');
  return p.data.key;
}

export async function customerRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.get('/customers', async (req, reply) => {
    const user = requireUser(req);
    const f = parse(customerFilters, blankless(req.query), 'customer filters');
    const scope = await userScope(rt, user);
    const result = await listCustomers(rt, scope, f);
    if (wantsJson(req)) return reply.send(result);
    const businesses = await listBusinesses(rt, scope);
    return sendHtml(
      reply,
      <Layout title={t('cust.title')} user={user} csrf={req.csrfToken} active="/customers">
        <CustomerList customers={result.customers} businesses={businesses} q={f.q ?? ''} businessId={f.businessId} pagination={result.pagination} />
      </Layout>,
    );
  });

  app.get('/customers/:key', async (req, reply) => {
    const user = requireUser(req);
    const key = keyOf(req.params);
    const q = parse(detailQuery, blankless(req.query), 'customer query');
    const customer = await getCustomer(rt, await userScope(rt, user), key, q.businessId);
    if (wantsJson(req)) return reply.send({ customer });
    return sendHtml(
      reply,
      <Layout title={customer.name ?? customer.phone ?? t('cust.fallbackTitle')} user={user} csrf={req.csrfToken} active="/customers">
        <CustomerPage customer={customer} csrf={req.csrfToken} />
      </Layout>,
    );
  });

  app.get('/customers/:key/erase', async (req, reply) => {
    const user = requireUser(req);
    const key = keyOf(req.params);
    const q = parse(eraseQuery, req.query, 'erasure query');
    await assertMayErase(rt, user, q.businessId);
    const customer = await getCustomer(rt, await userScope(rt, user), key, q.businessId);
    return sendHtml(
      reply,
      <Layout title={t('cust.eraseTitleShort')} user={user} csrf={req.csrfToken} active="/customers">
        <CustomerErasePage customer={customer} businessId={q.businessId} csrf={req.csrfToken} />
      </Layout>,
    );
  });

  const erase = async (req: FastifyRequest, reply: FastifyReply, json: boolean) => {
    const user = requireUser(req);
    const key = keyOf(req.params);
    const body = parse(eraseBody, req.body, 'customer erasure');
    await assertMayErase(rt, user, body.businessId);
    await getCustomer(rt, await userScope(rt, user), key, body.businessId);
    const result = await eraseCustomer(rt, { businessId: body.businessId, customerKey: key, actor: user.id, correlationId: req.id });
    await waitUntil(() => erasureProjected(rt.pool, result.position), 10_000);
    req.log.info({ tenantId: body.businessId, erasureId: result.erasureId, events: result.events }, 'customer erased');
    if (json) {
      return reply.send({
        success: true,
        erasure: { id: result.erasureId, businessId: body.businessId, customerRef: result.customerRef, orders: result.orders, messages: result.messages, events: result.events },
      });
    }
    return redirect(req, reply, `/customers?businessId=${encodeURIComponent(body.businessId)}`);
  };
  app.post('/customers/:key/erase', (req, reply) => erase(req, reply, wantsJson(req)));
  app.post('/api/customers/:key/erase', (req, reply) => erase(req, reply, true));

  app.post('/customers/:key/note', async (req, reply) => {
    const user = requireUser(req);
    const key = keyOf(req.params);
    const body = parse(noteBody, req.body, 'customer note');
    // The customer must be one of this user's businesses' buyers (else 404, whoever's it is).
    await getCustomer(rt, await userScope(rt, user), key, body.businessId);
    const data = parseCommandData(customerCommandSchemas.SetCustomerNote, { businessId: body.businessId, customerKey: key, note: body.note }, 'customer note');
    await handleCommand<CustomerCommand, CustomerState, CustomerEvent>({
      store: rt.store,
      streamId: customerStreamId(body.businessId, key),
      evolve: evolveCustomer,
      initialState: initialCustomerState,
      decide: decideCustomer,
      command: { type: 'SetCustomerNote', data, metadata: { now: new Date(), actor: user.id } },
      metadata: { tenantId: body.businessId, actor: user.id, correlationId: req.id, causationId: null, occurredAt: new Date().toISOString() },
    });
    await waitUntil(async () => (await customerNote(rt, body.businessId, key)) === data.note);
    if (wantsJson(req)) return reply.send({ customer: await getCustomer(rt, await userScope(rt, user), key, body.businessId) });
    return redirect(req, reply, customerHref(key, body.businessId));
  });
}
