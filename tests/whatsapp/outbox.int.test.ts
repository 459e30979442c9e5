// Replies: the notifier enqueues once per event, the session sends each once, even when a previous
// attempt crashed between sending and recording.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { startNotifier, outboxId } from '../../src/reactors/notifier.ts';
import { readSimulatorOutbox, startSession } from '../../src/whatsapp/control.ts';
import { makeMetadata, type NoviEventData } from '../../src/events/catalog.ts';
import { newId, orderIdForMessage } from '../../src/shared/ids.ts';
import type { Runtime } from '../../src/runtime.ts';
import { FAST, seedBusiness, sessionReady, testRuntime, waitFor } from './helpers.ts';

const { rt, done } = await testRuntime();
t.teardown(done);

async function placeOrder(rt: Runtime, businessId: string, groupId: string, number: number, text: string, eventIdOverride?: string) {
  const messageId = `MSG-${newId()}`;
  const orderId = orderIdForMessage(businessId, messageId);
  const data: NoviEventData<'OrderPlaced'> = {
    orderId,
    businessId,
    groupId,
    number,
    customer: { name: 'Bisi Adeyemi', phone: '+2348035550101', address: null },
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }],
    totalAmount: 5000,
    currency: 'NGN',
    deliveryNotes: null,
    source: { messageId, text, sender: { name: 'Bisi', phone: '+2348035550101' }, receivedAt: new Date(Date.now() - 400).toISOString() },
    parserVersion: '1',
    missing: ['address'],
    placedAt: new Date().toISOString(),
  };
  const id = eventIdOverride ?? newId();
  const event = { id, type: 'OrderPlaced', data, metadata: makeMetadata({ tenantId: businessId, actor: 'bot', correlationId: id, now: new Date(), type: 'OrderPlaced' }) };
  await rt.store.append(`order-${orderId}`, [event]);
  return { orderId, eventId: id, event };
}

t.test('confirmations and status notifications are sent exactly once', async (t) => {
  const a = await seedBusiness(rt);
  const br = await seedBusiness(rt, { country: 'BR', currency: 'BRL' });
  const stopNotifier = await startNotifier(rt);
  const sup = await startSupervisor(rt, FAST);
  t.teardown(async () => {
    await sup.stop();
    await stopNotifier();
  });
  const s = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u' });
  const s2 = await startSession(rt, { businessId: br.businessId, transport: 'simulator', actor: 'u' });
  await sessionReady(rt, s.id);
  await sessionReady(rt, s2.id);

  const o = await placeOrder(rt, a.businessId, a.groupId, 1042, '2 jollof rice');
  // The same event delivered again (a retry of the intake reactor) is stored once by the store anyway;
  // a second store append with the same id must not enqueue again either.
  await rt.store.append(`order-${o.orderId}`, [o.event]);
  const out = await waitFor('confirmation sent', async () => {
    const rows = await readSimulatorOutbox(rt, a.groupId);
    return rows.length ? rows : null;
  });
  t.match(out[0]!.text, /#1042/);
  t.match(out[0]!.text, /NGN 5,000/);
  t.match(out[0]!.text, /delivery address/, 'asks for the missing address');
  t.equal(out[0]!.to, '+2348035550101');

  // A status change from the dashboard notifies the customer.
  const sid = newId();
  await rt.store.append(`order-${o.orderId}`, [
    {
      id: sid,
      type: 'StatusChanged',
      data: { orderId: o.orderId, businessId: a.businessId, from: 'pending', to: 'out_for_delivery', reason: null, source: 'dashboard', messageId: null },
      metadata: makeMetadata({ tenantId: a.businessId, actor: 'u', correlationId: sid, now: new Date(), type: 'StatusChanged' }),
    },
  ]);
  await waitFor('status notification', async () => (await readSimulatorOutbox(rt, a.groupId)).length >= 2);

  // Portuguese business.
  await placeOrder(rt, br.businessId, br.groupId, 7, 'quero 2 coxinhas');
  const outBr = await waitFor('pt confirmation', async () => {
    const rows = await readSimulatorOutbox(rt, br.groupId);
    return rows.length ? rows : null;
  });
  t.match(outBr[0]!.text, /Obrigado/);

  // Crash between send and record: the row is 'sending' and the simulator already holds the message.
  const crashedId = outboxId(newId(), 'confirmation');
  await rt.pool.query(sql.type(z.object({}))`
    insert into simulator_outbox (outbox_id, business_id, group_id, chat_id, recipient, text, whatsapp_message_id)
    values (${crashedId}, ${a.businessId}, ${a.groupId}, 'x@g.us', '+2348035550101', 'already sent', 'SIMOUT-CRASHED')`);
  await rt.pool.query(sql.type(z.object({}))`
    insert into whatsapp_outbox (id, business_id, group_id, kind, recipient, text, status, attempts, last_attempt_at, cause_event_id, source_received_at)
    values (${crashedId}, ${a.businessId}, ${a.groupId}, 'confirmation', '+2348035550101', 'already sent', 'sending', 1, now() - interval '5 seconds', ${newId()}, now() - interval '6 seconds')`);
  await rt.pool.query(sql.type(z.object({}))`select pg_notify('novi_session_wake', ${a.businessId})`);
  await waitFor('crashed row settled', async () =>
    (await rt.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from whatsapp_outbox where id = ${crashedId}`)) === 'sent');

  await new Promise((r) => setTimeout(r, 800));
  const all = await readSimulatorOutbox(rt, a.groupId);
  t.equal(all.length, 3, 'confirmation, status, and the crashed one — each once');
  t.equal(all.filter((m) => /#1042/.test(m.text)).length, 2);
  const sent = (await rt.store.readStream(`chat-${a.groupId}`)).filter((e) => e.type === 'MessageSent');
  t.equal(sent.length, 3, 'one MessageSent per reply');
  const conf = sent.find((e) => (e.data as { kind: string }).kind === 'confirmation' && (e.data as { orderId: string | null }).orderId === o.orderId)!;
  const d = conf.data as NoviEventData<'MessageSent'>;
  t.ok(d.responseMs !== null && d.responseMs >= 0, `responseMs recorded (${d.responseMs})`);
  const crashed = sent.find((e) => (e.data as { outboxId: string }).outboxId === crashedId)!;
  t.equal((crashed.data as { whatsappMessageId: string }).whatsappMessageId, 'SIMOUT-CRASHED', 'the earlier send was found, not repeated');
});
