// What an erased customer's stored events look like when read: every field that carries their
// personal data replaced by a marker (the upcaster of erasure, applied by RedactingEventStore to
// the events listed in erased_events). Pure, shared by the read path and by the projections that
// scrub their read models when CustomerErased arrives, so a rebuild gives the same rows.
import type { EventMetadata } from '../eventstore/types.ts';

/** Free text (messages, addresses, notes) of an erased customer. */
export const ERASED = '[erased]';
/** A WhatsApp sender id or actor of an erased customer. */
export const ERASED_ID = 'erased';

/** The name an erased customer keeps in read models: one pseudonym per erasure, no personal data. */
export const erasedName = (customerRef: string): string => `[erased ${customerRef.slice(0, 8)}]`;

export const isErasedName = (name: string | null | undefined): boolean => typeof name === 'string' && /^\[erased [0-9a-f]{8}\]$/.test(name);

/** Actors that are not people's WhatsApp identities: user ids (uuids), the bot, the system. */
const SYSTEM_ACTOR = /^(bot|system|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
export const redactActor = (actor: string): string => (SYSTEM_ACTOR.test(actor) ? actor : ERASED_ID);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const mark = (v: unknown): unknown => (typeof v === 'string' && v !== '' ? ERASED : v);

/**
 * A customer object (`{ name, phone, address }`, whole or partial). Someone who was known by a
 * phone or a name is known by the pseudonym afterwards, so their orders stay one customer.
 */
export function redactCustomer(c: unknown, customerRef: string): unknown {
  if (!isObj(c)) return c;
  const out: Obj = { ...c };
  const known = (typeof c['name'] === 'string' && c['name'] !== '') || (typeof c['phone'] === 'string' && c['phone'] !== '');
  if (known) out['name'] = erasedName(customerRef);
  if ('phone' in c) out['phone'] = null;
  if ('address' in c) out['address'] = mark(c['address']);
  return out;
}

export function redactSender(s: unknown): unknown {
  if (!isObj(s)) return s;
  const out: Obj = { ...s };
  if ('id' in s) out['id'] = ERASED_ID;
  if ('name' in s) out['name'] = mark(s['name']);
  if ('phone' in s) out['phone'] = null;
  return out;
}

/** OrderPlaced.source (also stored whole in orders.source). */
export function redactSource(source: unknown): unknown {
  if (!isObj(source)) return source;
  return { ...source, text: ERASED, sender: redactSender(source['sender']) };
}

/** The event's data with the customer's personal data replaced (any schema version; unknown shapes pass). */
export function redactData(type: string, data: unknown, customerRef: string): unknown {
  if (!isObj(data)) return data;
  const d = data;
  switch (type) {
    case 'MessageReceived':
      return { ...d, sender: redactSender(d['sender']), text: ERASED };
    case 'MessageEdited':
      return { ...d, senderId: ERASED_ID, text: ERASED };
    case 'MessageRevoked':
      return { ...d, senderId: ERASED_ID };
    case 'OrderParsed': {
      const r = d['result'];
      if (!isObj(r)) return d;
      return { ...d, result: { ...r, customer: redactCustomer(r['customer'], customerRef), address: mark(r['address']), notes: mark(r['notes']) } };
    }
    case 'OrderPlaced':
      return { ...d, customer: redactCustomer(d['customer'], customerRef), deliveryNotes: mark(d['deliveryNotes']), source: redactSource(d['source']) };
    case 'OrderUpdated': {
      const out: Obj = { ...d };
      if ('customer' in d) out['customer'] = redactCustomer(d['customer'], customerRef);
      if ('deliveryNotes' in d) out['deliveryNotes'] = mark(d['deliveryNotes']);
      return out;
    }
    case 'MessageSent':
      return { ...d, text: ERASED };
    case 'PaymentProofReceived':
      // The customer's own words; the reference and method stay (the merchant's bookkeeping).
      return { ...d, text: ERASED };
    case 'CustomerNoteSet':
      // The note is gone; its key becomes the pseudonym's (as the customer's orders do).
      return { ...d, customerKey: `name:${erasedName(customerRef)}`, note: '' };
    default:
      return d;
  }
}

export function redactMetadata(m: EventMetadata): EventMetadata {
  return typeof m.actor === 'string' ? { ...m, actor: redactActor(m.actor) } : m;
}

/** Event types an erasure can list (the others never carry a customer's personal data). */
export const ERASABLE_TYPES: ReadonlySet<string> = new Set([
  'MessageReceived', 'MessageEdited', 'MessageRevoked', 'OrderParsed', 'MessageIgnored',
  'OrderPlaced', 'OrderUpdated', 'StatusChanged', 'StatusChangeUndone', 'OrderNumberReserved', 'MessageSent', 'CustomerNoteSet',
  'PaymentProofReceived',
]);
