// The review queue's decide and the alias rule, given/when/then without a database (issue 11 §3, §4).
import t from 'tap';
import type { NoviEventOf } from '../../src/events/catalog.ts';
import { decideOrder, orderCommandSchemas, type AcceptReview, type OrderCommand } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { aliasesFromCorrection, normalizeAlias, parserCatalog } from '../../src/businesses/aliases.ts';
import { Forbidden, IllegalState } from '../../src/shared/errors.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { given as givenWith } from './given-when-then.ts';

const given = (past: OrderEvent[] = []) => givenWith<OrderCommand, OrderState, OrderEvent>({ decide: decideOrder, evolve: evolveOrder, initialState: initialOrderState }, past);
const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-01-05T10:00:00.000Z');
const placed: NoviEventOf<'OrderPlaced'> = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER, businessId: BUSINESS, groupId: '33333333-3333-4333-8333-333333333333', number: 1001,
    customer: { name: 'Ada', phone: '+2348031234567', address: null },
    items: [{ name: 'swallow pack', sku: null, quantity: 2, unitPrice: null }],
    totalAmount: null, currency: 'NGN', deliveryNotes: null,
    source: { messageId: 'm1', text: '2 swallow pack', sender: { id: '2348031234567@c.us', name: 'Ada', phone: '+2348031234567' }, receivedAt: now.toISOString() },
    parserVersion: '1.10.0', missing: ['address'], placedAt: now.toISOString(),
    review: { confidence: 0.57, threshold: 0.9, ask: true, doubts: [{ field: 'item', line: 0, reason: 'unmatched' }] },
    itemTexts: ['swallow pack'],
  },
};
const accept = (data: Record<string, unknown>): AcceptReview => ({
  type: 'AcceptReview',
  data: parseCommandData(orderCommandSchemas.AcceptReview, { orderId: ORDER, businessId: BUSINESS, source: 'dashboard', ...data }, 'review'),
  metadata: { now, actor: 'merchant' },
});

t.test('an order placed with review starts in needs_review and keeps what the customer wrote', async (t) => {
  const s = evolveOrder(initialOrderState(), placed);
  t.match(s, { status: 'needs_review', itemTexts: ['swallow pack'], review: { ask: true } });
});

t.test('accepting as is: one StatusChanged; corrected: the update first, then the status, with a new total', async (t) => {
  t.match(given([placed]).when(accept({})).events, [{ type: 'StatusChanged', data: { from: 'needs_review', to: 'pending', reason: 'review: accepted' } }]);
  const { events } = given([placed]).when(accept({ to: 'confirmed', items: [{ name: 'Plantain', sku: 'PL', quantity: 2, unitPrice: 500 }], address: '7 Bode Thomas' }));
  t.match(events, [
    { type: 'OrderUpdated', data: { items: [{ sku: 'PL' }], customer: { address: '7 Bode Thomas' }, totalAmount: 1000 } },
    { type: 'StatusChanged', data: { from: 'needs_review', to: 'confirmed', reason: 'review: corrected and accepted' } },
  ]);
});

t.test('not twice, not by a stranger, a customer only as is', async (t) => {
  const accepted = given([placed]).when(accept({})).events ?? [];
  t.type(given([placed, ...accepted]).when(accept({})).error, IllegalState);
  const stranger = { kind: 'customer', senderId: '2348039999999@c.us', phone: '+2348039999999' };
  t.type(given([placed]).when(accept({ by: stranger, source: 'whatsapp' })).error, Forbidden);
  const customer = { kind: 'customer', senderId: '2348031234567@c.us', phone: null };
  t.match(given([placed]).when(accept({ by: customer, source: 'whatsapp' })).events, [{ type: 'StatusChanged', data: { reason: 'confirmed by the customer' } }]);
  t.type(given([placed]).when(accept({ by: customer, source: 'whatsapp', address: 'x' })).error, Forbidden);
});

t.test('aliases: normalised, bounded, learned only for a move to another catalog product', async (t) => {
  t.equal(normalizeAlias('  2x  Swallow   PACK!! '), 'swallow pack');
  t.equal(normalizeAlias('123'), null, 'no letter');
  t.equal(normalizeAlias('a'.repeat(81)), null, 'too long to learn, not cut');
  const catalog = [{ sku: 'PL', name: 'Plantain', price: 500, aliases: ['dodo'] }, { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: [] }];
  const before = [{ name: 'swallow pack', sku: null, quantity: 2, unitPrice: null }, { name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }];
  t.same(aliasesFromCorrection(before, ['swallow pack', 'jollof'], [{ name: 'Plantain', sku: 'pl', quantity: 2, unitPrice: 500 }, before[1]!], catalog), [{ alias: 'swallow pack', sku: 'PL' }]);
  t.same(aliasesFromCorrection(before, [null, null], [{ name: 'x', sku: 'NOPE', quantity: 1, unitPrice: 1 }], catalog), [], 'not a catalog product');
  t.same(aliasesFromCorrection(before, ['dodo', null], [{ name: 'Plantain', sku: 'PL', quantity: 1, unitPrice: 500 }], catalog), [], 'already an alias');
  t.same(parserCatalog(catalog, [{ alias: 'swallow pack', sku: 'pl' }])[0]?.aliases, ['dodo', 'swallow pack']);
});
