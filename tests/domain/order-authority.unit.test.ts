// Who may change an order (issue 17 §2), given/when/then over the pure pieces: a customer's own
// cancellation, undoing a status change within the window, status authority by group, the
// self-cancel phrases in en/es/pt, and the riders' numbers of a delivery group.
import t from 'tap';
import { ORDER_STATUSES, type NoviEventOf, type OrderStatus } from '../../src/events/catalog.ts';
import { decideOrder, orderCommandSchemas, type ChangeStatus, type OrderCommand, type UndoStatusChange } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { checkTransition, UNDO_WINDOW_MS } from '../../src/orders/status.ts';
import { statusAuthority } from '../../src/orders/authority.ts';
import { matchSelfCancel } from '../../src/orders/self-cancel.ts';
import { decideGroup, groupCommandSchemas, type UpdateGroup } from '../../src/businesses/commands.ts';
import { evolveGroup, initialGroupState } from '../../src/businesses/group.ts';
import { Forbidden, IllegalState, IllegalStatusTransition, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { given as givenWith } from './given-when-then.ts';

const decider = { decide: decideOrder, evolve: evolveOrder, initialState: initialOrderState };
const given = (past: OrderEvent[] = []) => givenWith<OrderCommand, OrderState, OrderEvent>(decider, past);

const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const OTHER_BUSINESS = '99999999-9999-4999-8999-999999999999';
const GROUP = '33333333-3333-4333-8333-333333333333';
const placedAt = new Date('2026-01-05T10:00:00.000Z');
const changedAt = new Date('2026-01-05T11:00:00.000Z');

const ADA = { senderId: '2348031234567@c.us', phone: '+2348031234567' };
const placed: NoviEventOf<'OrderPlaced'> = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER, businessId: BUSINESS, groupId: GROUP, number: 1001,
    // Posted by Ada for her sister, whose number is the order's customer phone.
    customer: { name: 'Ngozi Obi', phone: '+2348035550101', address: '14 Admiralty Way' },
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }], totalAmount: 5000, currency: 'NGN', deliveryNotes: null,
    source: { messageId: 'wamid.1', text: '2 jollof', sender: { id: ADA.senderId, name: 'Ada', phone: ADA.phone }, receivedAt: placedAt.toISOString() },
    parserVersion: '1', missing: [], placedAt: placedAt.toISOString(),
  },
};
const moved = (from: OrderStatus, to: OrderStatus, at: Date | null = changedAt): NoviEventOf<'StatusChanged'> => ({
  type: 'StatusChanged',
  data: { orderId: ORDER, businessId: BUSINESS, from, to, reason: null, source: 'whatsapp', messageId: null, ...(at ? { changedAt: at.toISOString() } : {}) },
});
const at = (status: OrderStatus): OrderEvent[] => (status === 'pending' ? [placed] : [placed, moved('pending', status)]);

const customerCancel = (who: { senderId: string; phone: string | null }, to: OrderStatus = 'cancelled'): ChangeStatus => ({
  type: 'ChangeStatus',
  data: parseCommandData(orderCommandSchemas.ChangeStatus, { orderId: ORDER, businessId: BUSINESS, to, source: 'whatsapp', messageId: 'wamid.2', by: { kind: 'customer', ...who } }, 'cancel'),
  metadata: { now: changedAt, actor: who.senderId },
});
const undo = (now: Date, businessId = BUSINESS): UndoStatusChange => ({
  type: 'UndoStatusChange',
  data: parseCommandData(orderCommandSchemas.UndoStatusChange, { orderId: ORDER, businessId, source: 'dashboard' }, 'undo'),
  metadata: { now, actor: 'merchant-1' },
});

t.test('a customer cancels their own open order, recognised by sender id or phone', async (t) => {
  for (const status of ['pending', 'confirmed'] as const) {
    t.same(given(at(status)).when(customerCancel(ADA)).events, [
      { type: 'StatusChanged', data: { orderId: ORDER, businessId: BUSINESS, from: status, to: 'cancelled', reason: null, source: 'whatsapp', messageId: 'wamid.2', changedAt: changedAt.toISOString() } },
    ], `from ${status}`);
  }
  t.ok(given([placed]).when(customerCancel({ senderId: ADA.senderId, phone: null })).events, 'same WhatsApp account without a phone (a @lid sender)');
  t.ok(given([placed]).when(customerCancel({ senderId: '86000@lid', phone: ADA.phone })).events, 'same phone, another sender id');
  t.ok(given([placed]).when(customerCancel({ senderId: '2348035550101@c.us', phone: '+2348035550101' })).events, 'the phone the order was placed for');
});

t.test("nobody else's, and nothing but a cancellation", async (t) => {
  const stranger = given([placed]).when(customerCancel({ senderId: '2348039999999@c.us', phone: '+2348039999999' }));
  t.type(stranger.error, Forbidden);
  t.equal(stranger.error?.message, 'only the customer who placed #1001 can cancel it');
  t.type(given([placed]).when(customerCancel({ senderId: 'x@lid', phone: null })).error, Forbidden, 'no phone and another id');
  // A stranger learns nothing of the order's state: the same answer on a delivered order.
  t.equal(given(at('delivered')).when(customerCancel({ senderId: 'x@c.us', phone: '+2348039999999' })).error?.message, 'only the customer who placed #1001 can cancel it');
  const deliver = given([placed]).when(customerCancel(ADA, 'delivered'));
  t.type(deliver.error, Forbidden);
  t.match(deliver.error?.message, 'customers can only cancel');
});

t.test('once it is being prepared (or closed) the customer can no longer cancel it', async (t) => {
  for (const status of ['processing', 'out_for_delivery', 'delivered', 'cancelled'] as const) {
    const { error } = given(at(status)).when(customerCancel(ADA));
    t.type(error, IllegalStatusTransition, status);
    t.equal(error instanceof IllegalStatusTransition && error.from, status);
    t.match(error?.message, new RegExp(`^#1001 is already ${status.replace(/_/g, ' ')}; it can no longer be cancelled from the chat$`));
  }
});

t.test('undo takes back the latest status change, whatever it was, restoring its from', async (t) => {
  const legal = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => checkTransition(from, to).ok).map((to) => [from, to] as const));
  t.ok(legal.length > 10);
  for (const [from, to] of legal) {
    const past: OrderEvent[] = from === 'pending' ? [placed, moved(from, to)] : [placed, moved('pending', from), moved(from, to)];
    const { events } = given(past).when(undo(new Date(changedAt.getTime() + 60_000)));
    t.same(events, [
      { type: 'StatusChangeUndone', data: { orderId: ORDER, businessId: BUSINESS, from: to, to: from, undoneChangeAt: changedAt.toISOString(), reason: null, source: 'dashboard' } },
    ], `${from} → ${to} undone`);
    const state = [...past, ...(events ?? [])].reduce(evolveOrder, initialOrderState());
    t.equal(state.kind === 'placed' && state.status, from);
  }
});

t.test('once, within 24 hours, and only for a change to undo', async (t) => {
  const cancelled = at('cancelled');
  const undone = given(cancelled).when(undo(changedAt)).events ?? [];
  const twice = given([...cancelled, ...undone]).when(undo(changedAt));
  t.type(twice.error, IllegalState);
  t.equal(twice.error?.message, 'Order #1001 has no status change to undo');
  t.equal(given([placed]).when(undo(changedAt)).error?.message, 'Order #1001 has no status change to undo', 'the placement is not a status change');

  t.ok(given(cancelled).when(undo(new Date(changedAt.getTime() + UNDO_WINDOW_MS))).events, 'at 24 h exactly');
  const late = given(cancelled).when(undo(new Date(changedAt.getTime() + UNDO_WINDOW_MS + 1)));
  t.type(late.error, IllegalState);
  t.equal(late.error?.message, 'Order #1001 became cancelled more than 24 hours ago; it can no longer be undone');

  const unknownTime = given([placed, moved('pending', 'cancelled', null)]).when(undo(changedAt));
  t.type(unknownTime.error, IllegalState, 'a change recorded before undo existed has no time to check');
  t.type(given(cancelled).when(undo(changedAt, OTHER_BUSINESS)).error, NotFound);
  t.type(given([]).when(undo(changedAt)).error, NotFound);

  // After an undo the order moves on normally, and that new change can be undone.
  const on = given([...cancelled, ...undone]).when({ ...customerCancel(ADA), data: { ...customerCancel(ADA).data, by: undefined, to: 'confirmed' } }).events ?? [];
  t.match(on, [{ type: 'StatusChanged', data: { from: 'pending', to: 'confirmed' } }]);
  t.match(given([...cancelled, ...undone, ...on]).when(undo(changedAt)).events, [{ type: 'StatusChangeUndone', data: { from: 'confirmed', to: 'pending' } }]);
});

t.test('status authority by group', async (t) => {
  t.same(statusAuthority({ groupType: 'admin' }, null, 'delivered'), { kind: 'staff' });
  t.same(statusAuthority({ groupType: 'delivery' }, '+2348031234567', 'delivered'), { kind: 'staff' }, 'no riders listed: anyone in the group');
  t.same(statusAuthority({ groupType: 'delivery', riderPhones: [] }, null, 'delivered'), { kind: 'staff' });
  const riders = { groupType: 'delivery' as const, riderPhones: ['+2348090000001'] };
  t.same(statusAuthority(riders, '+2348090000001', 'out_for_delivery'), { kind: 'staff' });
  t.match(statusAuthority(riders, '+2348031234567', 'out_for_delivery'), { kind: 'refused', reason: /riders' numbers/ });
  t.match(statusAuthority(riders, null, 'delivered'), { kind: 'refused' }, 'a sender without a known phone is not a listed rider');
  t.same(statusAuthority({ groupType: 'sales' }, '+2348031234567', 'cancelled'), { kind: 'customer' });
  for (const to of ['confirmed', 'processing', 'out_for_delivery', 'delivered'] as const) {
    t.same(statusAuthority({ groupType: 'sales' }, '+2348031234567', to), { kind: 'refused', reason: 'status updates are only accepted from the delivery group or the admin group' });
  }
});

t.test('"cancel my order" in en, es and pt', async (t) => {
  const yes: Array<[string, number | null, string]> = [
    ['cancel my order', null, 'en'], ['Cancel my order #1001', 1001, 'en'], ['please cancel my order', null, 'en'], ['cancel order 1002 please', 1002, 'en'],
    ['Hi, I want to cancel my order no. 1003. Thanks', 1003, 'en'], ['CANCEL THE ORDER', null, 'en'],
    ['cancela mi pedido', null, 'es'], ['Cancela mi pedido #1001, por favor', 1001, 'es'], ['quiero cancelar mi pedido', null, 'es'], ['Anula el pedido número 1004', 1004, 'es'],
    ['cancela o meu pedido', null, 'pt'], ['Quero cancelar o meu pedido #1001', 1001, 'pt'], ['Olá, cancela o pedido 1005 por favor', 1005, 'pt'], ['cancelem a minha encomenda', null, 'pt'],
    ['can you cancel my order?', null, 'en'],
  ];
  for (const [text, number, language] of yes) t.same(matchSelfCancel(text), { number, language }, text);
  // The status-update form, with a number: any language.
  for (const [text, number] of [['#1001 cancelled', 1001], ['1002 cancelado', 1002], ['cancel #1003', 1003], ['Pedido 1004 cancelada', 1004], ['order #1005 canceled please', 1005]] as const) {
    t.same(matchSelfCancel(text), { number, language: null }, text);
  }
  const no = [
    '2 jollof rice and cancel my order', 'cancel my order of 2 jollof', '#1001 cancelled?', 'is #1001 cancelled', 'can I change my order?', 'cancel', 'order cancelled',
    'why did you cancel my order', 'is my order cancelled?', "don't cancel my order", '#1001 delivered', 'cancelled',
    'no cancela mi pedido, quiero 2 más', `cancel my order ${'please '.repeat(40)}`, '', 'cancela o meu pedido e manda 3 coxinhas',
  ];
  for (const text of no) t.equal(matchSelfCancel(text), null, JSON.stringify(text.slice(0, 40)));
  t.equal(matchSelfCancel('cancel my order #'.repeat(1000)), null, 'long input is refused before any regex runs');
});

t.test("riders' numbers belong to delivery groups", async (t) => {
  const linked = { type: 'GroupLinked' as const, data: { groupId: GROUP, businessId: BUSINESS, name: 'Riders', description: null, groupType: 'delivery' as const, whatsappId: null } };
  const update = (data: Record<string, unknown>): UpdateGroup => ({
    type: 'UpdateGroup',
    data: parseCommandData(groupCommandSchemas.UpdateGroup, { groupId: GROUP, businessId: BUSINESS, requestedBy: { userId: 'u', role: 'merchant' }, businessOwnerId: 'u', whatsappIdLinkedTo: null, ...data }, 'group'),
    metadata: { now: changedAt, actor: 'u' },
  });
  const state = evolveGroup(initialGroupState(), linked);
  const set = decideGroup(update({ riderPhones: ['+2348090000001', '+2348090000001', '+2348090000002'] }), state);
  t.same(set, [{ type: 'GroupUpdated', data: { ...linked.data, riderPhones: ['+2348090000001', '+2348090000002'] } }], 'each number once');
  const withRiders = evolveGroup(state, set[0]!);
  t.same(decideGroup(update({ riderPhones: ['+2348090000002', '+2348090000001'].reverse() }), withRiders), [], 'the same list records nothing');
  t.same(decideGroup(update({ name: 'Bikes' }), withRiders), [{ type: 'GroupUpdated', data: { ...linked.data, name: 'Bikes', riderPhones: ['+2348090000001', '+2348090000002'] } }], 'kept when not given');
  t.same(decideGroup(update({ groupType: 'sales' }), withRiders), [{ type: 'GroupUpdated', data: { ...linked.data, groupType: 'sales' } }], 'retyped: the list goes');
  t.throws(() => decideGroup(update({ groupType: 'sales', riderPhones: ['+2348090000001'] }), withRiders), ValidationError);
  t.throws(() => parseCommandData(groupCommandSchemas.UpdateGroup, { groupId: GROUP, businessId: BUSINESS, requestedBy: { userId: 'u', role: 'merchant' }, businessOwnerId: 'u', whatsappIdLinkedTo: null, riderPhones: ['0809'] }, 'group'), ValidationError, 'E.164 only');
});
