// The notifier reactor: answers customers on WhatsApp. It turns OrderPlaced (confirmation, plus a
// question for missing address/phone), OrderParsed without items (a question), StatusChanged (a
// notification), OrderUpdated from a customer's own WhatsApp edit (the new items and total) and a
// customer's refused request (MessageIgnored with a refusal) into whatsapp_outbox rows, which the
// business's session child sends. It runs on the shared subscription runner (leader lock,
// checkpoint, parking): an outage delays replies, never loses one.
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import { validateEvent, type Language, type NoviEventData } from '../events/catalog.ts';
import { directChatGroupId, NS, uuidFromName } from '../shared/ids.ts';
import { privateChatOf } from '../whatsapp/transport.ts';
import { DEFAULT_BUSINESS_SETTINGS, NOTIFICATIONS_OFF, readBusiness, type NotificationSettings } from '../businesses/business.ts';
import { detectLanguage, formatMoney, languageForCountry, render, STATUS_NAMES, type TemplateKey, type TemplateOverride } from '../whatsapp/templates.ts';
import { SubscriptionRunner, type Subscriber, type SubscriptionOptions } from '../subscriptions/runner.ts';
import { Waker } from '../subscriptions/wake.ts';
import { evolveOrder, initialOrderState, type OrderEvent } from '../orders/order.ts';
import { REPARSE_ACTOR } from '../shared/actors.ts';
import { receiptText } from '../payments/receipt.ts';
import { receiptDataOf } from '../payments/receipt-data.ts';
import { timezoneForCountry } from '../../projections/shared.ts';
import { matchSelfCancel } from '../orders/self-cancel.ts';
import { matchSelfEdit } from '../orders/self-edit.ts';

/** An actor that is a WhatsApp sender (the customer), not a user of Novi or the bot. */
const WHATSAPP_ACTOR = /@(c\.us|lid|s\.whatsapp\.net)$/;

export const NOTIFIER_CHECKPOINT = 'reactor:notifier';

interface Reply {
  id: string;
  businessId: string;
  groupId: string;
  /** The chat to send to when it is not the group's own (a direct chat, a private reply); null: the group's. */
  chatId?: string | null;
  kind: 'confirmation' | 'question' | 'status' | 'other';
  recipient: string;
  text: string;
  orderId: string | null;
  inReplyTo: string | null;
  sourceReceivedAt: string | null;
  causeEventId: string;
}

interface BusinessReplies {
  language: Language;
  fixedLanguage: boolean;
  overrides: TemplateOverride[];
  replyMode: 'group' | 'private';
  selfEditWindowMinutes: number;
  notifications: NotificationSettings;
}

/** Outbox id per (event, kind): a redelivered event never enqueues twice. */
export function outboxId(eventId: string, kind: string): string {
  return uuidFromName(NS.outbox, `${eventId}:${kind}`);
}

export async function startNotifier(rt: Runtime, options: SubscriptionOptions = {}): Promise<() => Promise<void>> {
  const log = rt.logger.child({ component: 'notifier' });
  const businessCache = new Map<string, { value: BusinessReplies; until: number }>();

  async function businessReplies(businessId: string): Promise<BusinessReplies> {
    const hit = businessCache.get(businessId);
    if (hit && hit.until > Date.now()) return hit.value;
    // The business stream, not the read model: no dependency on projection lag or column shapes.
    // Folded through the process's business cache, so only events new since the last read are read.
    const state = await readBusiness(rt.store, businessId);
    const country = state.kind === 'registered' ? state.profile.country : null;
    const defaultLanguage: Language | null = state.kind === 'registered' ? state.defaultLanguage : null;
    const overrides: TemplateOverride[] = state.kind === 'registered' ? state.templates : [];
    const settings = state.kind === 'registered' ? state.settings : DEFAULT_BUSINESS_SETTINGS;
    const notifications = (state.kind === 'registered' ? state.notifications : undefined) ?? NOTIFICATIONS_OFF;
    const value = {
      language: defaultLanguage ?? languageForCountry(country), fixedLanguage: defaultLanguage !== null, overrides,
      replyMode: settings.replyMode, selfEditWindowMinutes: settings.selfEditWindowMinutes, notifications,
    };
    businessCache.set(businessId, { value, until: Date.now() + 10_000 });
    return value;
  }

  function pickLanguage(b: BusinessReplies, text: string | null): Language {
    if (b.fixedLanguage || !text) return b.language;
    return detectLanguage(text) ?? b.language;
  }

  /** The specific question for an order waiting for review: its doubted items (all when only the address is in doubt), and the address when that is in doubt. */
  const reviewQuestion = (d: NoviEventData<'OrderPlaced'>, lang: Language, overrides: TemplateOverride[]): string => {
    const doubts = d.review?.doubts ?? [];
    const lines = new Set(doubts.filter((x) => x.line !== null).map((x) => x.line as number));
    const chosen = lines.size ? d.items.filter((_, i) => lines.has(i)) : d.items;
    const items = (chosen.length ? chosen : d.items).map((i) => `${i.quantity} × ${i.name}`).join(', ');
    const address = doubts.some((x) => x.field === 'address') && d.customer.address ? render(lang, 'order.review.address', { address: d.customer.address }, overrides) : '';
    return items + address;
  };
  const itemsText = (items: NoviEventData<'OrderPlaced'>['items']) => items.map((i) => `${i.quantity} x ${i.name}`).join(', ');
  const nameVar = (name: string | null) => (name ? `, ${name.split(/\s+/)[0]}` : '');
  const recipientOf = (c: { name: string | null; phone: string | null }) => c.phone ?? c.name ?? 'customer';

  /**
   * Where a reply about a customer's message goes: a direct chat's reply stays in it; a group's goes
   * to the group, or privately to the customer (their own direct chat) when the business chose so.
   */
  function routed(r: Reply, b: BusinessReplies, sender: { id?: string | null | undefined; phone: string | null }): Reply {
    if (sender.id && r.groupId === directChatGroupId(r.businessId, sender.id)) return { ...r, chatId: sender.id };
    if (b.replyMode !== 'private') return r;
    const chat = privateChatOf({ id: sender.id ?? null, phone: sender.phone });
    return chat ? { ...r, groupId: directChatGroupId(r.businessId, chat), chatId: chat } : r;
  }

  async function placedOf(orderId: string, upTo?: string) {
    let order = initialOrderState();
    let source: NoviEventData<'OrderPlaced'>['source'] | null = null;
    for (const x of await rt.store.readStream(`order-${orderId}`, { maxCount: 500 })) {
      const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
      if (!v.ok) continue;
      if (v.event.type === 'OrderPlaced') source = v.event.data.source;
      order = evolveOrder(order, v.event as OrderEvent);
      if (x.id === upTo) break;
    }
    return order.kind === 'placed' && source ? { order, source } : null;
  }

  async function repliesFor(e: RecordedEvent): Promise<Reply[]> {
    const unrouted = await unroutedRepliesFor(e);
    if (unrouted.length === 0) return [];
    const b = await businessReplies((e.data as { businessId: string }).businessId);
    return unrouted.map((r) => routed(r.reply, b, r.sender));
  }

  async function unroutedRepliesFor(e: RecordedEvent): Promise<Array<{ reply: Reply; sender: { id?: string | null | undefined; phone: string | null } }>> {
    const base = await baseRepliesFor(e);
    if (base.length === 0) return [];
    const wrap = (sender: { id?: string | null | undefined; phone: string | null }) => base.map((reply) => ({ reply, sender }));
    if (e.type === 'OrderPlaced') return wrap((e.data as NoviEventData<'OrderPlaced'>).source.sender);
    if (e.type === 'StatusChanged' || e.type === 'OrderUpdated' || e.type === 'OrderChangeRequested') {
      // The customer who placed the order is the one answered.
      const placed = await placedOf((e.data as { orderId: string }).orderId, e.id);
      return wrap(placed?.source.sender ?? { phone: null });
    }
    if (e.type === 'RepeatOrderOffered') return wrap({ id: (e.data as NoviEventData<'RepeatOrderOffered'>).senderId, phone: null });
    // OrderParsed, MessageIgnored: the sender is the event's actor.
    return wrap({ id: e.metadata.actor, phone: null });
  }

  async function baseRepliesFor(e: RecordedEvent): Promise<Reply[]> {
    // A reparse replays old messages: nothing it records may reach a customer (src/cli/reparse.ts).
    if (e.metadata.actor === REPARSE_ACTOR) return [];
    if (e.type === 'OrderPlaced') {
      const d = e.data as NoviEventData<'OrderPlaced'>;
      // A manual order (the merchant's form) is confirmed on WhatsApp only when the merchant asked.
      const manual = d.source.channel === 'manual';
      if (manual && d.source.notifyCustomer !== true) return [];
      // Waiting for review (issue 11 §3): `hold` says nothing until the merchant accepts; `ask` asks the customer.
      if (d.review && !d.review.ask) return [];
      const b = await businessReplies(d.businessId);
      const lang = pickLanguage(b, d.source.text);
      if (d.review) {
        const lines = [render(lang, 'order.review.question', { number: String(d.number), question: reviewQuestion(d, lang, b.overrides) }, b.overrides)];
        if (d.missing.includes('address')) lines.push(render(lang, 'order.missing.address', { number: String(d.number) }, b.overrides));
        return [
          {
            id: outboxId(e.id, 'question'),
            businessId: d.businessId,
            groupId: d.groupId,
            kind: 'question',
            recipient: recipientOf({ name: d.customer.name ?? d.source.sender.name, phone: d.customer.phone ?? d.source.sender.phone }),
            text: lines.join('\n'),
            orderId: d.orderId,
            inReplyTo: d.source.messageId,
            sourceReceivedAt: d.source.receivedAt,
            causeEventId: e.id,
          },
        ];
      }
      const vars = {
        number: String(d.number),
        name: nameVar(d.customer.name ?? d.source.sender.name),
        items: itemsText(d.items),
        total: formatMoney(d.totalAmount, d.currency, lang),
      };
      const lines = [render(lang, 'order.confirmation', vars, b.overrides)];
      if (d.missing.includes('address')) lines.push(render(lang, 'order.missing.address', vars, b.overrides));
      if (d.missing.includes('phone')) lines.push(render(lang, 'order.missing.phone', vars, b.overrides));
      return [
        {
          id: outboxId(e.id, 'confirmation'),
          businessId: d.businessId,
          groupId: d.groupId,
          kind: 'confirmation',
          recipient: recipientOf({ name: d.customer.name ?? d.source.sender.name, phone: d.customer.phone ?? d.source.sender.phone }),
          text: lines.join('\n'),
          orderId: d.orderId,
          inReplyTo: manual ? null : d.source.messageId,
          sourceReceivedAt: manual ? null : d.source.receivedAt,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'OrderParsed') {
      const d = e.data as NoviEventData<'OrderParsed'>;
      // Only "no items" stops an order from being placed; other gaps are asked in the confirmation.
      if (d.result.intent !== 'order' || !(d.result.missing.includes('items') || d.result.items.length === 0)) return [];
      const b = await businessReplies(d.businessId);
      const lang = b.language;
      return [
        {
          id: outboxId(e.id, 'question'),
          businessId: d.businessId,
          groupId: d.groupId,
          kind: 'question',
          recipient: recipientOf(d.result.customer),
          text: render(lang, 'order.question.items', { name: nameVar(d.result.customer.name) }, b.overrides),
          orderId: null,
          inReplyTo: d.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'MessageIgnored') {
      // Only a customer's own request that was refused is answered (why their cancel did not happen);
      // every other ignored message stays silent, as before.
      const d = e.data as NoviEventData<'MessageIgnored'>;
      const refusal = d.refusal;
      if (!refusal) return [];
      const b = await businessReplies(d.businessId);
      const lang = b.fixedLanguage ? b.language : (refusal.language ?? b.language);
      const key = `order.${refusal.kind.replace(/^(cancel|edit|repeat)_/, '$1.')}` as TemplateKey;
      const vars = { number: refusal.number === null ? '' : String(refusal.number), status: refusal.status ? STATUS_NAMES[lang][refusal.status] : '', item: refusal.item ?? '' };
      return [
        {
          id: outboxId(e.id, 'refusal'),
          businessId: d.businessId,
          groupId: d.groupId,
          kind: 'other',
          recipient: e.metadata.actor,
          text: render(lang, key, vars, b.overrides),
          orderId: null,
          inReplyTo: d.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'OrderUpdated' && WHATSAPP_ACTOR.test(e.metadata.actor)) {
      // The customer edited their order message: tell them what the order is now.
      const d = e.data as NoviEventData<'OrderUpdated'>;
      let order = initialOrderState();
      let source: NoviEventData<'OrderPlaced'>['source'] | null = null;
      for (const x of await rt.store.readStream(`order-${d.orderId}`, { maxCount: 500 })) {
        const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
        if (!v.ok) continue;
        if (v.event.type === 'OrderPlaced') source = v.event.data.source;
        order = evolveOrder(order, v.event as OrderEvent);
        if (x.id === e.id) break;
      }
      if (order.kind !== 'placed' || !source) return [];
      const b = await businessReplies(d.businessId);
      // A change asked by message is answered in the language it was asked in.
      const asked = d.reason === 'customer' && !b.fixedLanguage ? await askedLanguage(e, order.groupId) : null;
      const lang = asked ?? pickLanguage(b, source.text);
      const vars = { number: String(order.number), name: nameVar(order.customer.name), items: itemsText(order.items), total: formatMoney(order.totalAmount, order.currency, lang) };
      return [
        {
          id: outboxId(e.id, 'confirmation'),
          businessId: d.businessId,
          groupId: order.groupId,
          kind: 'confirmation',
          recipient: recipientOf({ name: order.customer.name ?? source.sender.name, phone: order.customer.phone ?? source.sender.phone }),
          text: render(lang, d.reason === 'customer' ? 'order.changed' : 'order.updated', vars, b.overrides),
          orderId: d.orderId,
          inReplyTo: source.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'StatusChanged' && (e.data as NoviEventData<'StatusChanged'>).from === 'needs_review' && (e.data as NoviEventData<'StatusChanged'>).to !== 'cancelled') {
      // Accepted after review: the normal confirmation, with the order as accepted (corrections included).
      const d = e.data as NoviEventData<'StatusChanged'>;
      let order = initialOrderState();
      let source: NoviEventData<'OrderPlaced'>['source'] | null = null;
      let missing: string[] = [];
      for (const x of await rt.store.readStream(`order-${d.orderId}`, { maxCount: 500 })) {
        const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
        if (!v.ok) continue;
        if (v.event.type === 'OrderPlaced') {
          source = v.event.data.source;
          missing = v.event.data.missing;
        }
        order = evolveOrder(order, v.event as OrderEvent);
        if (x.id === e.id) break;
      }
      if (order.kind !== 'placed' || !source) return [];
      const b = await businessReplies(d.businessId);
      const lang = pickLanguage(b, source.text);
      const vars = { number: String(order.number), name: nameVar(order.customer.name ?? source.sender.name), items: itemsText(order.items), total: formatMoney(order.totalAmount, order.currency, lang) };
      const lines = [render(lang, 'order.confirmation', vars, b.overrides)];
      if (missing.includes('address') && !order.customer.address) lines.push(render(lang, 'order.missing.address', vars, b.overrides));
      if (missing.includes('phone') && !order.customer.phone) lines.push(render(lang, 'order.missing.phone', vars, b.overrides));
      return [
        {
          id: outboxId(e.id, 'confirmation'),
          businessId: d.businessId,
          groupId: order.groupId,
          kind: 'confirmation',
          recipient: recipientOf({ name: order.customer.name ?? source.sender.name, phone: order.customer.phone ?? source.sender.phone }),
          text: lines.join('\n'),
          orderId: d.orderId,
          inReplyTo: source.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'StatusChanged') {
      const d = e.data as NoviEventData<'StatusChanged'>;
      if (d.to === 'pending' || d.to === 'needs_review' || d.from === d.to) return [];
      const placed = (await rt.store.readStream(`order-${d.orderId}`, { maxCount: 20 })).find((x) => x.type === 'OrderPlaced');
      if (!placed) return [];
      const o = placed.data as NoviEventData<'OrderPlaced'>;
      // A manual order the merchant did not want confirmed on WhatsApp gets no status messages either.
      if (o.source.channel === 'manual' && o.source.notifyCustomer !== true) return [];
      const b = await businessReplies(d.businessId);
      const asked = d.messageId !== null && WHATSAPP_ACTOR.test(e.metadata.actor) && !b.fixedLanguage ? await askedLanguage(e, o.groupId) : null;
      const lang = asked ?? pickLanguage(b, o.source.text);
      const key = `order.status.${d.to}` as TemplateKey;
      const recipient = recipientOf({ name: o.customer.name ?? o.source.sender.name, phone: o.customer.phone ?? o.source.sender.phone });
      const vars = { number: String(o.number), name: nameVar(o.customer.name ?? o.source.sender.name) };
      const replies: Reply[] = [
        {
          id: outboxId(e.id, 'status'),
          businessId: d.businessId,
          groupId: o.groupId,
          kind: 'status',
          recipient,
          text: render(lang, key, vars, b.overrides),
          orderId: d.orderId,
          inReplyTo: null,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
      // The review question follows a delivery when the merchant turned it on.
      if (d.to === 'delivered' && b.notifications.reviewQuestion) {
        replies.push({ ...replies[0]!, id: outboxId(e.id, 'review'), kind: 'question', text: render(lang, 'order.review', vars, b.overrides) });
      }
      return replies;
    }
    if (e.type === 'ReceiptSendRequested') {
      // The merchant asked for the receipt on WhatsApp: the order as it was at that request.
      const d = e.data as NoviEventData<'ReceiptSendRequested'>;
      let order = initialOrderState();
      let source: NoviEventData<'OrderPlaced'>['source'] | null = null;
      let placedAt = d.requestedAt;
      for (const x of await rt.store.readStream(`order-${d.orderId}`, { maxCount: 1000 })) {
        const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
        if (!v.ok) continue;
        if (v.event.type === 'OrderPlaced') {
          source = v.event.data.source;
          placedAt = v.event.data.placedAt;
        }
        order = evolveOrder(order, v.event as OrderEvent);
        if (x.id === e.id) break;
      }
      const business = await readBusiness(rt.store, d.businessId);
      if (order.kind !== 'placed' || !source || business.kind !== 'registered') return [];
      const b = await businessReplies(d.businessId);
      const lang = pickLanguage(b, source.channel === 'manual' ? null : source.text);
      return [
        {
          id: outboxId(e.id, 'receipt'),
          businessId: d.businessId,
          groupId: order.groupId,
          kind: 'other',
          recipient: recipientOf({ name: order.customer.name ?? source.sender.name, phone: order.customer.phone ?? source.sender.phone }),
          text: receiptText(receiptDataOf(order, business.profile, placedAt), lang, timezoneForCountry(business.profile.country)),
          orderId: d.orderId,
          inReplyTo: null,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'OrderChangeRequested') {
      const d = e.data as NoviEventData<'OrderChangeRequested'>;
      const placed = await placedOf(d.orderId, e.id);
      if (!placed) return [];
      const b = await businessReplies(d.businessId);
      const lang = b.fixedLanguage ? b.language : (matchSelfEdit(d.text)?.language ?? matchSelfCancel(d.text)?.language ?? pickLanguage(b, d.text));
      return [
        {
          id: outboxId(e.id, 'change-requested'),
          businessId: d.businessId,
          groupId: placed.order.groupId,
          kind: 'other',
          recipient: recipientOf({ name: placed.order.customer.name ?? placed.source.sender.name, phone: placed.order.customer.phone ?? placed.source.sender.phone }),
          text: render(lang, 'order.change.requested', { number: String(placed.order.number), minutes: String(b.selfEditWindowMinutes) }, b.overrides),
          orderId: d.orderId,
          inReplyTo: d.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    if (e.type === 'RepeatOrderOffered') {
      const d = e.data as NoviEventData<'RepeatOrderOffered'>;
      const b = await businessReplies(d.businessId);
      const lang = b.fixedLanguage ? b.language : (d.language ?? b.language);
      const items = d.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
      return [
        {
          id: outboxId(e.id, 'repeat-offer'),
          businessId: d.businessId,
          groupId: d.groupId,
          kind: 'question',
          recipient: recipientOf(d.customer),
          text: render(lang, 'order.repeat.offer', { number: String(d.fromNumber), items, total: formatMoney(d.totalAmount, d.currency, lang) }, b.overrides),
          orderId: null,
          inReplyTo: d.messageId,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    return [];
  }

  /**
   * The language a customer asked a change in (the message that caused `e`, on the order's chat
   * stream, read backwards a bounded way), so the answer is in it; null when not found.
   */
  async function askedLanguage(e: RecordedEvent, groupId: string): Promise<Language | null> {
    const cause = e.metadata.causationId;
    if (!cause) return null;
    for (const x of await rt.store.readStream(`chat-${groupId}`, { direction: 'backwards', maxCount: 300 })) {
      if (x.id !== cause || x.type !== 'MessageReceived') continue;
      const text = (x.data as { text?: unknown }).text;
      if (typeof text !== 'string') return null;
      return matchSelfEdit(text)?.language ?? matchSelfCancel(text)?.language ?? detectLanguage(text);
    }
    return null;
  }

  /** The order as it stood at event `upTo` (its placement plus later edits). */
  async function orderAt(orderId: string, upTo: string) {
    let order = initialOrderState();
    for (const x of await rt.store.readStream(`order-${orderId}`, { maxCount: 500 })) {
      const v = validateEvent(x.type, x.data, x.metadata.schemaVersion);
      if (!v.ok) continue;
      order = evolveOrder(order, v.event as OrderEvent);
      if (x.id === upTo) break;
    }
    return order.kind === 'placed' ? order : null;
  }

  /**
   * Messages to the merchant's own groups, when the business turned them on: each confirmed order's
   * summary to its delivery groups (riders answer it by quoting it), each new order to its admin groups.
   */
  async function groupMessagesFor(e: RecordedEvent, tx: DatabaseTransactionConnection): Promise<Reply[]> {
    if (e.metadata.actor === REPARSE_ACTOR) return [];
    const confirmed = e.type === 'StatusChanged' && (e.data as NoviEventData<'StatusChanged'>).to === 'confirmed' && (e.data as NoviEventData<'StatusChanged'>).from !== 'confirmed';
    if (!confirmed && e.type !== 'OrderPlaced') return [];
    const { orderId, businessId } = e.data as { orderId: string; businessId: string };
    const b = await businessReplies(businessId);
    const wanted = confirmed ? b.notifications.deliverySummary : b.notifications.adminAlerts;
    if (!wanted) return [];
    const type = confirmed ? 'delivery' : 'admin';
    // The read model of groups: a group linked a moment ago may be missed, never a customer's reply.
    const groups = await tx.any(sql.type(z.object({ id: z.string() }))`
      select id from groups where business_id = ${businessId} and group_type = ${type} and unlinked_at is null order by created_at limit 10`);
    if (groups.length === 0) return [];
    const order = await orderAt(orderId, e.id);
    if (!order) return [];
    const lang = b.language;
    const vars = {
      number: String(order.number),
      name: nameVar(order.customer.name),
      items: itemsText(order.items),
      total: formatMoney(order.totalAmount, order.currency, lang),
      address: order.customer.address ?? '—',
      customer: order.customer.name ?? '',
      phone: order.customer.phone ?? '',
    };
    const text = render(lang, confirmed ? 'group.summary' : 'group.alert', vars, []).replace(/ +\n/g, '\n');
    return groups.map((g) => ({
      id: outboxId(e.id, `${type}:${g.id}`),
      businessId,
      groupId: g.id,
      kind: 'other' as const,
      recipient: confirmed ? 'riders' : 'admins',
      text,
      orderId,
      inReplyTo: null,
      sourceReceivedAt: null,
      causeEventId: e.id,
    }));
  }

  const subscriber: Subscriber<RecordedEvent> = {
    name: NOTIFIER_CHECKPOINT,
    eventTypes: ['OrderPlaced', 'OrderParsed', 'StatusChanged', 'MessageIgnored', 'OrderUpdated', 'ReceiptSendRequested', 'OrderChangeRequested', 'RepeatOrderOffered'],
    // A status reply must not overtake the confirmation of its order.
    ordering: 'stream',
    // Outbox rows and the checkpoint in one transaction: each reply is enqueued exactly once.
    mode: 'transaction',
    batchSize: 100,
    prepare: (r) => {
      const v = validateEvent(r.type, r.data, r.metadata?.schemaVersion);
      if (!v.ok) return { ok: false, error: `${r.type} at ${r.streamId}@${r.revision} (position ${r.position}) fails its schema: ${v.error}` };
      return { ok: true, event: { ...r, data: v.event.data } };
    },
    handle: async (events, tx) => {
      // Business settings are read afresh for each batch: a template saved before an event is
      // processed is the one its reply uses (the stream cache makes the read cheap).
      businessCache.clear();
      for (const e of events) {
        for (const r of [...(await repliesFor(e)), ...(await groupMessagesFor(e, tx!))]) {
          await tx!.query(sql.type(z.object({}))`
            insert into whatsapp_outbox (id, business_id, group_id, chat_id, kind, recipient, text, order_id, in_reply_to, source_received_at, cause_event_id)
            values (${r.id}, ${r.businessId}, ${r.groupId}, ${r.chatId ?? null}, ${r.kind}, ${r.recipient}, ${r.text}, ${r.orderId}, ${r.inReplyTo},
              ${r.sourceReceivedAt}::timestamptz, ${r.causeEventId})
            on conflict (id) do nothing`);
          await tx!.query(sql.type(z.object({}))`select pg_notify('novi_session_wake', ${r.businessId})`);
        }
      }
    },
    reset: () => businessCache.clear(),
  };

  const waker = new Waker(rt.database.url);
  await waker.start();
  const runner = new SubscriptionRunner(rt, subscriber, waker, options);
  runner.start();
  log.info('notifier started');
  return async () => {
    await runner.stop();
    await waker.close();
  };
}
