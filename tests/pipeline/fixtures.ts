// Businesses, groups and WhatsApp messages appended straight to the store, as the write side would.
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../src/eventstore/types.ts';
import { EVENT_SCHEMA_VERSION, type NoviEventData, type NoviEventType } from '../../src/events/catalog.ts';
import { eventId, messageReceivedEventId } from '../../src/shared/ids.ts';

let clock = Date.parse('2025-03-10T09:00:00Z');
/** A deterministic, increasing occurredAt so read models do not depend on when the test ran. */
export const tick = (ms = 1000): string => new Date((clock += ms)).toISOString();

export function ev<T extends NoviEventType>(type: T, data: NoviEventData<T>, tenantId: string | null, actor = 'test', key?: string): NewEvent {
  return {
    id: key ? eventId(type, key) : randomUUID(),
    type,
    data,
    metadata: { tenantId, actor, correlationId: randomUUID(), causationId: null, occurredAt: tick(), schemaVersion: EVENT_SCHEMA_VERSION[type] },
  };
}

export interface Shop {
  businessId: string;
  sales: { groupId: string; chatId: string };
  delivery: { groupId: string; chatId: string };
  sessionId: string;
}

export const CATALOG = [
  { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
  { sku: 'CH', name: 'Chicken', price: 2000, aliases: [] },
  { sku: 'PL', name: 'Plantain', price: 500, aliases: ['dodo'] },
];

/**
 * `review`: the shop's review queue settings (issue 11 §3). Shops of these fixtures auto-accept from
 * 0.5 unless told otherwise, so the tests of other features keep testing what they tested (their
 * hand-written messages often have no address, which the parser's confidence counts as a doubt).
 */
export async function createShop(store: EventStore, opts: { country?: string; currency?: string; name?: string; ownerId?: string; review?: { autoAcceptThreshold: number; reviewMode: 'hold' | 'ask' } } = {}): Promise<Shop> {
  const businessId = randomUUID();
  const ownerId = opts.ownerId ?? randomUUID();
  const shop: Shop = {
    businessId,
    sales: { groupId: randomUUID(), chatId: `${randomUUID()}@g.us` },
    delivery: { groupId: randomUUID(), chatId: `${randomUUID()}@g.us` },
    sessionId: randomUUID(),
  };
  await store.append(`business-${businessId}`, [
    ev('BusinessRegistered', { businessId, ownerId, name: opts.name ?? 'Mama Put', description: null, address: null, phone: null, email: null, country: opts.country ?? 'NG', currency: opts.currency ?? 'NGN' }, businessId, ownerId),
    ev('CatalogSet', { businessId, products: CATALOG }, businessId, ownerId),
    ev('ReviewSettingsSet', { businessId, ...(opts.review ?? { autoAcceptThreshold: 0.5, reviewMode: 'hold' }) }, businessId, ownerId),
  ]);
  for (const [type, g] of [['sales', shop.sales], ['delivery', shop.delivery]] as const) {
    await store.append(`group-${g.groupId}`, [
      ev('GroupLinked', { groupId: g.groupId, businessId, name: `${type} group`, description: null, groupType: type, whatsappId: g.chatId }, businessId, ownerId),
    ]);
  }
  return shop;
}

let seq = 0;
export function message(shop: Shop, group: 'sales' | 'delivery', text: string, opts: { id?: string; groupId?: string; chatId?: string; nativeOrder?: NoviEventData<'MessageReceived'>['nativeOrder'] } = {}): NewEvent {
  const g = shop[group];
  const messageId = opts.id ?? `wamid.${++seq}.${randomUUID().slice(0, 8)}`;
  const groupId = opts.groupId ?? g.groupId;
  const data: NoviEventData<'MessageReceived'> = {
    messageId,
    businessId: shop.businessId,
    groupId,
    chatId: opts.chatId ?? g.chatId,
    sessionId: shop.sessionId,
    sender: { id: '2348031234567@c.us', name: 'Ada', phone: '+2348031234567' },
    text,
    timestamp: tick(0),
    kind: opts.nativeOrder ? 'order' : 'text',
    ...(opts.nativeOrder ? { nativeOrder: opts.nativeOrder } : {}),
  };
  const e = ev('MessageReceived', data, shop.businessId, data.sender.id);
  return { ...e, id: messageReceivedEventId(shop.businessId, messageId) };
}

export async function receive(store: EventStore, e: NewEvent): Promise<void> {
  const groupId = (e.data as { groupId: string }).groupId;
  await store.append(`chat-${groupId}`, [e]);
}
