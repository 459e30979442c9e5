// The notifier reactor: answers customers on WhatsApp. It turns OrderPlaced (confirmation, plus a
// question for missing address/phone), OrderParsed without items (a question) and StatusChanged (a
// notification) into whatsapp_outbox rows, which the business's session child sends.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import type { Language, NoviEventData } from '../events/catalog.ts';
import { NS, uuidFromName } from '../shared/ids.ts';
import { REPARSE_ACTOR } from '../shared/actors.ts';
import { detectLanguage, formatMoney, languageForCountry, render, type TemplateKey, type TemplateOverride } from '../whatsapp/templates.ts';
import { int8 } from '../whatsapp/db.ts';

const CHECKPOINT = 'notifier';

interface Reply {
  id: string;
  businessId: string;
  groupId: string;
  kind: 'confirmation' | 'question' | 'status';
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
}

/** Outbox id per (event, kind): a redelivered event never enqueues twice. */
export function outboxId(eventId: string, kind: string): string {
  return uuidFromName(NS.outbox, `${eventId}:${kind}`);
}

export async function startNotifier(rt: Runtime): Promise<() => Promise<void>> {
  const log = rt.logger.child({ component: 'notifier' });
  const businessCache = new Map<string, { value: BusinessReplies; until: number }>();

  async function businessReplies(businessId: string): Promise<BusinessReplies> {
    const hit = businessCache.get(businessId);
    if (hit && hit.until > Date.now()) return hit.value;
    let country: string | null = null;
    let defaultLanguage: Language | null = null;
    let overrides: TemplateOverride[] = [];
    // The business stream, not the read model: no dependency on projection lag or column shapes.
    for (const e of await rt.store.readStream(`business-${businessId}`)) {
      if (e.type === 'BusinessRegistered' || e.type === 'BusinessUpdated') country = (e.data as NoviEventData<'BusinessRegistered'>).country;
      if (e.type === 'ReplyTemplatesSet') {
        const d = e.data as NoviEventData<'ReplyTemplatesSet'>;
        defaultLanguage = d.defaultLanguage;
        overrides = d.templates;
      }
    }
    const value = { language: defaultLanguage ?? languageForCountry(country), fixedLanguage: defaultLanguage !== null, overrides };
    businessCache.set(businessId, { value, until: Date.now() + 10_000 });
    return value;
  }

  function pickLanguage(b: BusinessReplies, text: string | null): Language {
    if (b.fixedLanguage || !text) return b.language;
    return detectLanguage(text) ?? b.language;
  }

  const itemsText = (items: NoviEventData<'OrderPlaced'>['items']) => items.map((i) => `${i.quantity} x ${i.name}`).join(', ');
  const nameVar = (name: string | null) => (name ? `, ${name.split(/\s+/)[0]}` : '');
  const recipientOf = (c: { name: string | null; phone: string | null }) => c.phone ?? c.name ?? 'customer';

  async function repliesFor(e: RecordedEvent): Promise<Reply[]> {
    // A reparse replays old messages: nothing it records may reach a customer (src/cli/reparse.ts).
    if (e.metadata.actor === REPARSE_ACTOR) return [];
    if (e.type === 'OrderPlaced') {
      const d = e.data as NoviEventData<'OrderPlaced'>;
      const b = await businessReplies(d.businessId);
      const lang = pickLanguage(b, d.source.text);
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
          inReplyTo: d.source.messageId,
          sourceReceivedAt: d.source.receivedAt,
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
    if (e.type === 'StatusChanged') {
      const d = e.data as NoviEventData<'StatusChanged'>;
      if (d.to === 'pending' || d.from === d.to) return [];
      const placed = (await rt.store.readStream(`order-${d.orderId}`, { maxCount: 20 })).find((x) => x.type === 'OrderPlaced');
      if (!placed) return [];
      const o = placed.data as NoviEventData<'OrderPlaced'>;
      const b = await businessReplies(d.businessId);
      const lang = pickLanguage(b, o.source.text);
      const key = `order.status.${d.to}` as TemplateKey;
      return [
        {
          id: outboxId(e.id, 'status'),
          businessId: d.businessId,
          groupId: o.groupId,
          kind: 'status',
          recipient: recipientOf({ name: o.customer.name ?? o.source.sender.name, phone: o.customer.phone ?? o.source.sender.phone }),
          text: render(lang, key, { number: String(o.number) }, b.overrides),
          orderId: d.orderId,
          inReplyTo: null,
          sourceReceivedAt: null,
          causeEventId: e.id,
        },
      ];
    }
    return [];
  }

  async function handle(e: RecordedEvent): Promise<void> {
    const replies = await repliesFor(e);
    await rt.pool.transaction(async (tx) => {
      for (const r of replies) {
        await tx.query(sql.type(z.object({}))`
          insert into whatsapp_outbox (id, business_id, group_id, kind, recipient, text, order_id, in_reply_to, source_received_at, cause_event_id)
          values (${r.id}, ${r.businessId}, ${r.groupId}, ${r.kind}, ${r.recipient}, ${r.text}, ${r.orderId}, ${r.inReplyTo},
            ${r.sourceReceivedAt}::timestamptz, ${r.causeEventId})
          on conflict (id) do nothing`);
        await tx.query(sql.type(z.object({}))`select pg_notify('novi_session_wake', ${r.businessId})`);
      }
      await tx.query(sql.type(z.object({}))`
        insert into notifier_checkpoint (name, position) values (${CHECKPOINT}, ${String(e.position)})
        on conflict (name) do update set position = greatest(notifier_checkpoint.position, excluded.position), updated_at = now()`);
    });
  }

  const from = await rt.pool.maybeOneFirst(sql.type(z.object({ position: int8 }))`
    select position from notifier_checkpoint where name = ${CHECKPOINT}`);
  const sub = rt.store.subscribeToAll({
    fromPosition: from ?? 0n,
    filter: { eventTypes: ['OrderPlaced', 'OrderParsed', 'StatusChanged'] },
  });
  let closing = false;
  const loop = (async () => {
    for await (const e of sub) {
      for (let attempt = 1; ; attempt++) {
        try {
          await handle(e);
          break;
        } catch (err) {
          if (closing) return;
          if (attempt >= 5) {
            log.error({ err, eventId: e.id, position: String(e.position) }, 'notifier skipped an event it could not handle');
            break;
          }
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    }
  })();
  return async () => {
    closing = true;
    await sub.close();
    await loop.catch(() => undefined);
  };
}
