// Customers who fix their own orders (issue 14), given/when/then over the pure pieces: the phrases
// in en/es/pt, applying a change to the items, and decide's rules (their order, still open, within
// the business's window; after it a change request for the merchant).
import t from 'tap';
import type { NoviEventOf } from '../../src/events/catalog.ts';
import { decideOrder, orderCommandSchemas, type OrderCommand } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { SelfEditWindowPassed, withinSelfEditWindow } from '../../src/orders/authority.ts';
import { applySelfEdit, matchRepeatLast, matchSelfEdit, matchYes } from '../../src/orders/self-edit.ts';
import { Forbidden, IllegalState } from '../../src/shared/errors.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { decideBusiness, businessCommandSchemas } from '../../src/businesses/commands.ts';
import { evolveBusiness, initialBusinessState } from '../../src/businesses/business.ts';
import { given as givenWith } from './given-when-then.ts';

const given = (past: OrderEvent[] = []) => givenWith<OrderCommand, OrderState, OrderEvent>({ decide: decideOrder, evolve: evolveOrder, initialState: initialOrderState }, past);

const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';
const placedAt = new Date('2026-01-05T10:00:00.000Z');
const ADA = { senderId: '2348031234567@c.us', phone: '+2348031234567' };
const BREAD = { name: 'Bread', sku: 'BR', quantity: 2, unitPrice: 800 };
const CHICKEN = { name: 'Chicken', sku: 'CH', quantity: 1, unitPrice: 2000 };
const CATALOG = [{ sku: 'BR', name: 'Bread', price: 800, aliases: ['pan'] }, { sku: 'CH', name: 'Chicken', price: 2000, aliases: ['pollo', 'frango'] }, { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: [] }];
const placed: NoviEventOf<'OrderPlaced'> = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER, businessId: BUSINESS, groupId: GROUP, number: 1001, customer: { name: 'Ada', phone: ADA.phone, address: null },
    items: [BREAD, CHICKEN], totalAmount: 3600, currency: 'NGN', deliveryNotes: null,
    source: { messageId: 'wamid.1', text: '2 bread 1 chicken', sender: { id: ADA.senderId, name: 'Ada', phone: ADA.phone }, receivedAt: placedAt.toISOString() },
    parserVersion: '1', missing: [], placedAt: placedAt.toISOString(),
  },
};
const minutes = (n: number) => new Date(placedAt.getTime() + n * 60_000);
const change = (who: { senderId: string; phone: string | null }, now: Date, items = [{ ...BREAD, quantity: 4 }, CHICKEN]): OrderCommand => ({
  type: 'UpdateOrder',
  data: parseCommandData(orderCommandSchemas.UpdateOrder, { orderId: ORDER, businessId: BUSINESS, items, reason: 'customer', by: { kind: 'customer', ...who, windowMinutes: 30 } }, 'change'),
  metadata: { now, actor: who.senderId },
});

t.test('the phrases, in en, es and pt', async (t) => {
  t.same(matchSelfEdit('Add 2 more bread'), { kind: 'add', quantity: 2, item: 'bread', language: 'en' });
  t.same(matchSelfEdit('add another chicken please'), { kind: 'add', quantity: 1, item: 'chicken', language: 'en' });
  t.same(matchSelfEdit('make it 3 instead of 2'), { kind: 'replace', to: 3, from: 2, item: null, language: 'en' });
  t.same(matchSelfEdit('remove the chicken'), { kind: 'remove', item: 'chicken', language: 'en' });
  t.same(matchSelfEdit('agrega 2 pan más'), { kind: 'add', quantity: 2, item: 'pan', language: 'es' });
  t.same(matchSelfEdit('que sean 3 en vez de 2'), { kind: 'replace', to: 3, from: 2, item: null, language: 'es' });
  t.same(matchSelfEdit('quita el pollo'), { kind: 'remove', item: 'pollo', language: 'es' });
  t.same(matchSelfEdit('adiciona mais 2 pão'), { kind: 'add', quantity: 2, item: 'pao', language: 'pt' });
  t.same(matchSelfEdit('faz 3 em vez de 2'), { kind: 'replace', to: 3, from: 2, item: null, language: 'pt' });
  t.same(matchSelfEdit('tira o frango'), { kind: 'remove', item: 'frango', language: 'pt' });
  for (const text of ['2 bread', 'Name: Ada\n2x bread\ndeliver to 3 Allen Avenue', 'why did you remove the chicken?', 'cancel my order', 'add'.repeat(200)]) {
    t.equal(matchSelfEdit(text), null, `not a change: ${text.slice(0, 30)}`);
  }
  t.same([matchRepeatLast('Same as last time'), matchRepeatLast('lo mismo de siempre'), matchRepeatLast('o mesmo de sempre')], [{ language: 'en' }, { language: 'es' }, { language: 'pt' }]);
  t.equal(matchRepeatLast('same as last time but with chicken'), null);
  t.same([matchYes('YES'), matchYes('Sí'), matchYes('sim')], [{ language: 'en' }, { language: 'es' }, { language: 'pt' }]);
  t.equal(matchYes('yes but add bread'), null);
});

t.test('applying a change to the items', async (t) => {
  t.same(applySelfEdit([BREAD, CHICKEN], matchSelfEdit('add 2 more bread')!, CATALOG), { ok: true, removedAll: false, items: [{ ...BREAD, quantity: 4 }, CHICKEN] });
  t.same(applySelfEdit([BREAD], matchSelfEdit('add 1 jollof rice')!, CATALOG), { ok: true, removedAll: false, items: [BREAD, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }] }, 'a new line at the catalog price');
  t.same(applySelfEdit([BREAD, CHICKEN], matchSelfEdit('make it 3 instead of 2')!, CATALOG), { ok: true, removedAll: false, items: [{ ...BREAD, quantity: 3 }, CHICKEN] }, 'the line that had 2');
  t.same(applySelfEdit([BREAD, CHICKEN], matchSelfEdit('quita el pollo')!, CATALOG), { ok: true, removedAll: false, items: [BREAD] }, 'by alias');
  t.same(applySelfEdit([BREAD], matchSelfEdit('remove the bread')!, CATALOG), { ok: true, removedAll: true, items: [] }, 'the last item: a cancellation');
  t.same(applySelfEdit([BREAD], matchSelfEdit('remove the pizza')!, CATALOG), { ok: false, item: 'pizza' });
  t.same(applySelfEdit([{ ...BREAD, quantity: 2 }, { ...CHICKEN, quantity: 2 }], matchSelfEdit('make it 3 instead of 2')!, CATALOG), { ok: false, item: '2' }, 'two lines of 2: which one is not guessed');
});

t.test("the customer's own open order, within the window", async (t) => {
  t.match(given([placed]).when(change(ADA, minutes(30))).events, [{ type: 'OrderUpdated', data: { reason: 'customer', items: [{ quantity: 4 }, {}], totalAmount: 5200 } }], 'at 30 minutes');
  const late = given([placed]).when(change(ADA, minutes(31)));
  t.type(late.error, SelfEditWindowPassed);
  t.equal(late.error?.message, '#1001 was placed more than 30 minutes ago; the request is passed on to the merchant');
  const stranger = given([placed]).when(change({ senderId: '2348039999999@c.us', phone: '+2348039999999' }, minutes(1)));
  t.type(stranger.error, Forbidden);
  t.equal(stranger.error?.message, 'only the customer who placed #1001 can change it');
  const preparing: NoviEventOf<'StatusChanged'> = { type: 'StatusChanged', data: { orderId: ORDER, businessId: BUSINESS, from: 'pending', to: 'processing', reason: null, source: 'dashboard', messageId: null } };
  const busy = given([placed, preparing]).when(change(ADA, minutes(1)));
  t.type(busy.error, IllegalState);
  t.equal(busy.error?.message, '#1001 is already processing; it can no longer be changed from the chat');
  t.ok(withinSelfEditWindow(placedAt.toISOString(), minutes(5), 5) && !withinSelfEditWindow(placedAt.toISOString(), minutes(6), 5));
});

t.test('a change requested after the window flags the order until the merchant changes it', async (t) => {
  const request: OrderCommand = {
    type: 'RequestOrderChange',
    data: parseCommandData(orderCommandSchemas.RequestOrderChange, { orderId: ORDER, businessId: BUSINESS, messageId: 'wamid.9', request: 'add', text: 'add 2 more bread', by: { kind: 'customer', ...ADA } }, 'request'),
    metadata: { now: minutes(40), actor: ADA.senderId },
  };
  const { events } = given([placed]).when(request);
  t.same(events, [{ type: 'OrderChangeRequested', data: { orderId: ORDER, businessId: BUSINESS, messageId: 'wamid.9', request: 'add', text: 'add 2 more bread', requestedAt: minutes(40).toISOString() } }]);
  const flagged = [placed, ...(events ?? [])].reduce(evolveOrder, initialOrderState());
  t.match(flagged, { changeRequested: { text: 'add 2 more bread' } });
  const edited: NoviEventOf<'OrderUpdated'> = { type: 'OrderUpdated', data: { orderId: ORDER, businessId: BUSINESS, items: [BREAD], reason: 'edit' } };
  t.match(evolveOrder(flagged, edited), { changeRequested: null }, 'cleared when the merchant changes the order');
  t.type(given([placed]).when({ ...request, data: { ...request.data, by: { kind: 'customer', senderId: 'x@c.us', phone: null } } }).error, Forbidden);
});

t.test('business settings: defaults, bounded window, only what changed', async (t) => {
  const owner = '44444444-4444-4444-8444-444444444444';
  const registered = evolveBusiness(initialBusinessState(), { type: 'BusinessRegistered', data: { businessId: BUSINESS, ownerId: owner, name: 'Bakery', description: null, address: null, phone: null, email: null, country: 'NG', currency: 'NGN' } });
  t.match(registered, { settings: { directOrders: true, replyMode: 'group', selfEditWindowMinutes: 30 } });
  const set = (data: Record<string, unknown>) => decideBusiness({ type: 'SetBusinessSettings', data: parseCommandData(businessCommandSchemas.SetBusinessSettings, { businessId: BUSINESS, requestedBy: { userId: owner, role: 'merchant' }, ...data }, 'settings'), metadata: { now: placedAt, actor: owner } }, registered);
  t.same(set({ replyMode: 'private' }), [{ type: 'BusinessSettingsSet', data: { businessId: BUSINESS, directOrders: true, replyMode: 'private', selfEditWindowMinutes: 30 } }]);
  t.same(set({ directOrders: true }), [], 'nothing changed, nothing recorded');
  t.throws(() => set({ selfEditWindowMinutes: 0 }));
  t.throws(() => set({ selfEditWindowMinutes: 1441 }));
  t.throws(() => decideBusiness({ type: 'SetBusinessSettings', data: parseCommandData(businessCommandSchemas.SetBusinessSettings, { businessId: BUSINESS, requestedBy: { userId: 'someone-else', role: 'merchant' }, directOrders: false }, 'settings'), metadata: { now: placedAt, actor: 'x' } }, registered), { code: 'NOT_FOUND' }, "another tenant's business is not found");
});
