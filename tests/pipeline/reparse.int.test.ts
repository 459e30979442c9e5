// `novi reparse`: a newer parser that reads a message differently corrects its order with an
// OrderUpdated (reason 'reparse'); the read model shows the correction; no event is rewritten.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT, type ParseFn } from '../../src/reactors/intake.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { projections } from '../../projections/index.ts';
import { reparseBusiness } from '../../src/cli/reparse.ts';
import { PARSER_VERSION, parseMessage } from '../../src/parser/index.ts';
import { orderStreamId } from '../../src/orders/order.ts';
import { orderIdForMessage } from '../../src/shared/ids.ts';
import { createShop, message, receive } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 200, standbyMs: 200 });
const stopIntake = await startIntakeReactor(rt, { pollMs: 200, standbyMs: 200, parserThreads: 0 });
t.teardown(async () => {
  await stopIntake();
  await projector.stop();
  await rt.close();
});

const ALL = [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)];
async function settle() {
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
  await waitForCatchUp(rt, ALL);
}
const orderRow = z.object({ number: z.number(), total_amount: z.coerce.number().nullable(), items: z.array(z.object({ sku: z.string().nullable(), quantity: z.number() }).passthrough()) });
const order = (id: string) => rt.pool.one(sql.type(orderRow)`select number, total_amount, items from orders where id = ${id}`);
const itemRows = (id: string) =>
  rt.pool.any(sql.type(z.object({ sku: z.string().nullable(), quantity: z.coerce.number() }))`select sku, quantity from order_items where order_id = ${id} order by line`);

const NEWER = '9.0.0-test';
/** A stand-in for a newer parser: reads "2x Jollof Rice" as three, and nothing else differently. */
const newerParser: ParseFn = async (inputs) =>
  inputs.map((input) => {
    const r = parseMessage(input);
    if (!input.text.includes('2x Jollof Rice')) return r;
    const items = r.items.map((i) => (i.sku === 'JR' ? { ...i, quantity: 3 } : i));
    return { ...r, items, total: items.reduce((sum, i) => sum + i.quantity * (i.unitPrice ?? 0), 0) };
  });

const shop = await createShop(rt.store);
const misread = 'Name: Chidi Okafor\nPhone: 0803 555 0101\nAddress: 14 Admiralty Way\n2x Jollof Rice\n1 Chicken';
const same = 'Please send 2 jollof to 9 Bode Thomas street, Surulere. Tel 08035550101';
await receive(rt.store, message(shop, 'sales', misread, { id: 'wamid.reparse.1' }));
await receive(rt.store, message(shop, 'sales', same, { id: 'wamid.reparse.2' }));
await settle();
const corrected = orderIdForMessage(shop.businessId, 'wamid.reparse.1');
const untouched = orderIdForMessage(shop.businessId, 'wamid.reparse.2');

t.test('a newer parser corrects the order with a new event; nothing is rewritten', async (t) => {
  const before = await order(corrected);
  t.same(before.items.map((i) => [i.sku, i.quantity]), [['JR', 2], ['CH', 1]], 'the intake placed what the current parser read');
  t.equal(before.total_amount, 7000);
  const untouchedBefore = await order(untouched);
  const eventsBefore = await rt.store.readAll({});

  const summary = await reparseBusiness(rt.store, { businessId: shop.businessId, since: new Date('2025-01-01T00:00:00Z'), parse: newerParser, parserVersion: NEWER });
  t.match(summary, { parserVersion: NEWER, scanned: 2, alreadyCurrent: 0, reparsed: 2, ordersUpdated: 1, ordersUnchanged: 1, ordersClosed: 0 });

  // Events: every earlier event is still there, byte for byte, at its position; only new ones follow.
  const eventsAfter = await rt.store.readAll({});
  const old = eventsAfter.slice(0, eventsBefore.length);
  t.same(old.map((e) => [e.id, e.position, e.type, e.data]), eventsBefore.map((e) => [e.id, e.position, e.type, e.data]), 'no event rewritten');
  const added = eventsAfter.slice(eventsBefore.length);
  t.same(added.map((e) => e.type).sort(), ['OrderParsed', 'OrderParsed', 'OrderUpdated'], 'two OrderParsed (new version) and one OrderUpdated');
  t.ok(added.filter((e) => e.type === 'OrderParsed').every((e) => (e.data as { parserVersion: string }).parserVersion === NEWER));

  const stream = await rt.store.readStream(orderStreamId(corrected));
  t.same(stream.map((e) => e.type), ['OrderPlaced', 'OrderUpdated']);
  t.same((stream[0]!.data as { items: Array<{ quantity: number }> }).items.map((i) => i.quantity), [2, 1], 'OrderPlaced still says what was first read');
  t.match(stream[1]!.data, { orderId: corrected, reason: 'reparse', totalAmount: 9500 });
  t.same((stream[1]!.data as { items: Array<{ sku: string; quantity: number }> }).items.map((i) => [i.sku, i.quantity]), [['JR', 3], ['CH', 1]]);
  t.same((await rt.store.readStream(orderStreamId(untouched))).map((e) => e.type), ['OrderPlaced'], 'an order read the same way gets no event');

  await settle();
  const after = await order(corrected);
  t.same(after.items.map((i) => [i.sku, i.quantity]), [['JR', 3], ['CH', 1]], 'the read model shows the correction');
  t.equal(after.total_amount, 9500);
  t.equal(after.number, before.number, 'same order, same number');
  t.same(await itemRows(corrected), [{ sku: 'JR', quantity: 3 }, { sku: 'CH', quantity: 1 }], 'order_items follow');
  t.same(await order(untouched), untouchedBefore);
});

t.test('running it again records nothing new', async (t) => {
  const head = await rt.store.headPosition();
  const summary = await reparseBusiness(rt.store, { businessId: shop.businessId, since: new Date('2025-01-01T00:00:00Z'), parse: newerParser, parserVersion: NEWER });
  t.match(summary, { scanned: 2, alreadyCurrent: 2, reparsed: 0, ordersUpdated: 0 });
  t.equal(await rt.store.headPosition(), head);
});

t.test('the current parser, run against messages it parsed itself, changes nothing', async (t) => {
  const fresh = await createShop(rt.store);
  await receive(rt.store, message(fresh, 'sales', misread, { id: 'wamid.reparse.3' }));
  await settle();
  const head = await rt.store.headPosition();
  const summary = await reparseBusiness(rt.store, { businessId: fresh.businessId, since: new Date('2025-01-01T00:00:00Z') });
  t.match(summary, { parserVersion: PARSER_VERSION, scanned: 1, alreadyCurrent: 1, reparsed: 0, ordersUpdated: 0 });
  t.equal(await rt.store.headPosition(), head);
});
