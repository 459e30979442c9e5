// Ids: random UUIDs for new things, name-based UUIDs (v5) where a retry must produce the same id.
import { createHash, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** RFC 4122 version 5: SHA-1 of namespace bytes + UTF-8 name. */
export function uuidFromName(namespace: string, name: string): string {
  if (!isUuid(namespace)) throw new TypeError(`Namespace is not a UUID: ${namespace}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Fixed namespaces. Changing one changes every derived id and breaks idempotency with
 * events already stored, so they are constants forever.
 */
export const NS = {
  /** Event ids: uuidFromName(NS.event, `<EventType>:<natural key>`). */
  event: 'a3b9c1e2-5d4f-4e8a-9b7c-2f1e0d3c4b5a',
  /** Order ids derived from the message that placed them. */
  order: 'b7e2d4c6-1a3f-4b5d-8e9c-0f2a4b6c8d1e',
  /** Outbox entries derived from the event they answer. */
  outbox: 'c1d3e5f7-2b4a-4c6e-9d8f-1a3b5c7d9e0f',
  /** A customer's direct (1:1) chat with a business: its chat stream id. */
  direct: 'd4e6f8a0-3c5b-4d7f-8e9a-2b4c6d8e0f1a',
} as const;

/** Deterministic event id: the same fact recorded twice gets the same id, so the store dedupes it. */
export function eventId(type: string, key: string): string {
  return uuidFromName(NS.event, `${type}:${key}`);
}

/** One WhatsApp message is stored once per business however many times a session sees it. */
export function messageReceivedEventId(businessId: string, whatsappMessageId: string): string {
  return eventId('MessageReceived', `${businessId}:${whatsappMessageId}`);
}

/** The order a message places: a redelivered MessageReceived places the same order. */
export function orderIdForMessage(businessId: string, whatsappMessageId: string): string {
  return uuidFromName(NS.order, `${businessId}:${whatsappMessageId}`);
}

/**
 * The chat a customer's direct (1:1) messages to a business live in, in place of a group id:
 * `chat-<this>` is that conversation's stream, per business and WhatsApp chat id.
 */
export function directChatGroupId(businessId: string, chatId: string): string {
  return uuidFromName(NS.direct, `${businessId}:${chatId}`);
}
