// The catalog of every event Novi stores: one zod schema per event's `data`, with its schema version.
import { z } from 'zod';
import type { EventMetadata } from '../eventstore/types.ts';

// ── shared field schemas ────────────────────────────────────────────────────────────
export const uuid = z.string().uuid();
export const isoTimestamp = z.string().datetime({ offset: true });
/** E.164: `+` then up to 15 digits. Phones that cannot be normalized are stored as null. */
export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +2348031234567');
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as NG');
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as NGN');

// ── bounds: every number an event carries fits the read-model column that holds it (sql/002) ──
// Defined once and used by every event and command schema, so an out-of-range value is refused
// where it enters (a 400 naming the field, a MessageIgnored with the reason) and never appended.
/** numeric(14,2): prices, line totals and order totals. */
export const MAX_MONEY = 999_999_999_999.99;
/** numeric(12,3): an item's quantity. */
export const MAX_QUANTITY = 999_999_999.999;
/** PostgreSQL int: order numbers, counters, durations in ms (orders.response_times casts to int). */
export const MAX_INT = 2_147_483_647;
/** Items on one order (order_items.line, and a bound on the work one order costs). */
export const MAX_ORDER_ITEMS = 500;
const atMost = (max: number, what: string) => `must be at most ${max.toLocaleString('en-US', { maximumFractionDigits: 3 })} (${what})`;
export const money = z.number().finite().nonnegative().max(MAX_MONEY, atMost(MAX_MONEY, 'the largest amount Novi stores'));
export const quantity = z.number().finite().positive().max(MAX_QUANTITY, atMost(MAX_QUANTITY, 'the largest quantity Novi stores'));
export const count = z.number().int().nonnegative().max(MAX_INT, atMost(MAX_INT, 'the largest count Novi stores'));
export const positiveCount = z.number().int().positive().max(MAX_INT, atMost(MAX_INT, 'the largest number Novi stores'));
export const durationMs = z.number().int().nonnegative().max(MAX_INT, atMost(MAX_INT, 'about 24 days, the longest duration Novi stores'));
const text = (max: number) => z.string().trim().min(1).max(max);

export const ORDER_STATUSES = ['pending', 'confirmed', 'processing', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export const orderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatus>;

export const GROUP_TYPES = ['sales', 'delivery', 'admin'] as const;
export const groupType = z.enum(GROUP_TYPES);
export type GroupType = z.infer<typeof groupType>;

export const USER_ROLES = ['merchant', 'admin'] as const;
export const userRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof userRole>;

export const transport = z.enum(['whatsapp', 'simulator']);
export type Transport = z.infer<typeof transport>;

export const LANGUAGES = ['en', 'es', 'pt'] as const;
export const language = z.enum(LANGUAGES);
export type Language = z.infer<typeof language>;

export const orderItem = z.object({
  name: text(200),
  sku: z.string().min(1).max(64).nullable(),
  quantity,
  unitPrice: money.nullable(),
});
export type OrderItem = z.infer<typeof orderItem>;

/** The items of one order: each line total, and their sum, fit an order total. */
export const orderItems = z
  .array(orderItem)
  .max(MAX_ORDER_ITEMS)
  .superRefine((items, ctx) => {
    let sum = 0;
    items.forEach((item, i) => {
      if (item.unitPrice === null) return;
      const line = item.quantity * item.unitPrice;
      sum += line;
      if (line > MAX_MONEY) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'quantity'], message: `quantity × unitPrice (the line total) ${atMost(MAX_MONEY, 'the largest amount Novi stores')}` });
    });
    if (sum > MAX_MONEY) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `the order total of its items ${atMost(MAX_MONEY, 'the largest amount Novi stores')}` });
  });

export const product = z.object({
  sku: z.string().trim().min(1).max(64),
  name: text(200),
  price: money,
  aliases: z.array(text(200)),
});
export type Product = z.infer<typeof product>;

/** The parser's output (docs/parser-spec.md), minus the input line's `id`. */
export const parseResult = z.object({
  intent: z.enum(['order', 'status', 'other']),
  customer: z.object({ name: z.string().nullable(), phone: z.string().nullable() }),
  address: z.string().nullable(),
  items: orderItems,
  total: money.nullable(),
  currency: currencyCode.nullable(),
  notes: z.string().nullable(),
  status: orderStatus.exclude(['pending']).nullable(),
  orderRef: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  missing: z.array(z.enum(['address', 'phone', 'items'])),
});
export type ParseResult = z.infer<typeof parseResult>;

const session = { sessionId: uuid, businessId: uuid, transport };

const businessProfile = {
  businessId: uuid,
  ownerId: uuid,
  name: text(120),
  description: z.string().max(2000).nullable(),
  address: z.string().max(500).nullable(),
  phone: e164.nullable(),
  email: z.string().email().nullable(),
  country: countryCode,
  currency: currencyCode,
};

export const MAX_RIDER_PHONES = 50;

const groupProfile = {
  groupId: uuid,
  businessId: uuid,
  name: text(120),
  description: z.string().max(2000).nullable(),
  groupType,
  /** WhatsApp chat id of the group (`…@g.us`); null until the merchant picks the chat. */
  whatsappId: z.string().min(1).nullable(),
  /**
   * Delivery groups only: the riders' numbers. When listed, status messages in that group count
   * only from them; absent or empty, from anyone in the group. Absent in events before riders existed.
   */
  riderPhones: z.array(e164).max(MAX_RIDER_PHONES).optional(),
};

// ── the catalog ─────────────────────────────────────────────────────────────────────
// Bumping a version means: add the new schema here, keep an upcaster from every older
// version in `upcasters`, so readers never see an old shape.
export const eventSchemas = {
  // chat-<groupId>
  MessageReceived: z.object({
    messageId: z.string().min(1),
    businessId: uuid,
    groupId: uuid,
    chatId: z.string().min(1),
    sessionId: uuid,
    sender: z.object({ id: z.string().min(1), name: z.string().nullable(), phone: e164.nullable() }),
    text: z.string(),
    timestamp: isoTimestamp,
    kind: z.enum(['text', 'media', 'order']),
    nativeOrder: z
      .object({
        // Raw input as WhatsApp sent it (nothing projects these numbers): the intake bounds the order
        // it places from them (PlaceOrder), so an absurd cart becomes MessageIgnored with the reason.
        items: z.array(z.object({ name: text(200), sku: z.string().nullable(), quantity: z.number().positive(), unitPrice: z.number().nonnegative().nullable() })),
        total: z.number().nonnegative().nullable(),
        currency: currencyCode.nullable(),
      })
      .optional(),
    /** The message this one replies to (WhatsApp's quote), when the transport knows it: a rider answering an order summary. */
    quoted: z.object({ messageId: z.string().min(1).max(300), text: z.string().max(4096) }).optional(),
  }),
  OrderParsed: z.object({
    messageId: z.string().min(1),
    businessId: uuid,
    groupId: uuid,
    parserVersion: z.string().min(1),
    result: parseResult,
  }),
  MessageIgnored: z.object({
    messageId: z.string().min(1),
    businessId: uuid,
    groupId: uuid,
    reason: z.string().min(1),
    /**
     * A customer's own request that was refused (today: a cancellation), so the notifier can tell
     * them why in their language. Absent for messages nobody is answered about.
     */
    refusal: z
      .object({
        kind: z.enum(['cancel_not_yours', 'cancel_not_open', 'cancel_no_open_order', 'cancel_unknown_order']),
        number: z.number().int().positive().nullable(),
        status: orderStatus.nullable(),
        /** The language the customer wrote in, when the request was recognised in one; else the business's. */
        language: language.nullable(),
      })
      .optional(),
  }),
  /** The sender edited a message (WhatsApp allows it for 15 minutes); `text` is the new text. */
  MessageEdited: z.object({
    messageId: z.string().min(1).max(300),
    businessId: uuid,
    groupId: uuid,
    chatId: z.string().min(1).max(300),
    sessionId: uuid,
    senderId: z.string().min(1).max(300),
    text: z.string().max(65_536),
    editedAt: isoTimestamp,
  }),
  /** The sender deleted a message for everyone. */
  MessageRevoked: z.object({
    messageId: z.string().min(1).max(300),
    businessId: uuid,
    groupId: uuid,
    chatId: z.string().min(1).max(300),
    sessionId: uuid,
    senderId: z.string().min(1).max(300),
    revokedAt: isoTimestamp,
  }),

  // order-<orderId>
  OrderPlaced: z.object({
    orderId: uuid,
    businessId: uuid,
    groupId: uuid,
    number: positiveCount,
    customer: z.object({ name: z.string().nullable(), phone: e164.nullable(), address: z.string().nullable() }),
    items: orderItems,
    totalAmount: money.nullable(),
    currency: currencyCode.nullable(),
    deliveryNotes: z.string().nullable(),
    source: z.object({
      messageId: z.string().min(1),
      text: z.string(),
      /** `id`: the WhatsApp sender id, so the customer who placed the order can be recognised later. */
      sender: z.object({ id: z.string().min(1).max(200).optional(), name: z.string().nullable(), phone: e164.nullable() }),
      receivedAt: isoTimestamp,
    }),
    parserVersion: z.string().nullable(),
    missing: z.array(z.string()),
    placedAt: isoTimestamp,
  }),
  OrderUpdated: z.object({
    orderId: uuid,
    businessId: uuid,
    items: orderItems.optional(),
    customer: z
      .object({ name: z.string().nullable(), phone: e164.nullable(), address: z.string().nullable() })
      .partial()
      .optional(),
    deliveryNotes: z.string().nullable().optional(),
    totalAmount: money.nullable().optional(),
    reason: z.enum(['edit', 'reparse']),
  }),
  StatusChanged: z.object({
    orderId: uuid,
    businessId: uuid,
    from: orderStatus,
    to: orderStatus,
    reason: z.string().nullable(),
    source: z.enum(['dashboard', 'whatsapp', 'api']),
    messageId: z.string().nullable(),
    /** The command time, so an undo can tell how old the change is; absent in events before undo existed. */
    changedAt: isoTimestamp.optional(),
  }),
  /**
   * The merchant took back the order's latest status change (within UNDO_WINDOW_MS): the order is
   * in `to` again (the undone change's `from`). Who undid it is the event's actor.
   */
  StatusChangeUndone: z.object({
    orderId: uuid,
    businessId: uuid,
    /** The status being left: the undone change's `to`. */
    from: orderStatus,
    /** The status restored: the undone change's `from`. */
    to: orderStatus,
    /** When the undone change was made. */
    undoneChangeAt: isoTimestamp,
    reason: z.string().nullable(),
    source: z.enum(['dashboard', 'api']),
  }),

  // ordernumbers-<businessId>
  OrderNumberReserved: z.object({
    orderId: uuid,
    businessId: uuid,
    number: positiveCount,
  }),

  // outbox replies, recorded on chat-<groupId>
  MessageSent: z.object({
    outboxId: uuid,
    businessId: uuid,
    sessionId: uuid,
    chatId: z.string().min(1),
    text: z.string(),
    whatsappMessageId: z.string().min(1),
    inReplyTo: z.string().nullable(),
    orderId: uuid.nullable(),
    kind: z.enum(['confirmation', 'question', 'status', 'other']),
    sentAt: isoTimestamp,
    responseMs: durationMs.nullable(),
  }),

  // session-<sessionId>
  SessionStarted: z.object(session),
  QrIssued: z.object({ ...session, qr: z.string().min(1), attempt: positiveCount }),
  SessionReady: z.object({ ...session, phone: e164.nullable() }),
  SessionDisconnected: z.object({ ...session, reason: z.string() }),
  /** Given up (e.g. QR refresh limit reached, auth failure): state FAILED until restarted by hand. */
  SessionFailed: z.object({ ...session, reason: z.string() }),
  /** The merchant logged out / stopped the session: state STOPPED. */
  SessionStopped: z.object({ ...session, by: z.string().min(1) }),
  /**
   * The supervisor saw the session's child alive and WORKING (at most one per session per 5 minutes):
   * a process that dies without a word stops counting uptime at its last heartbeat.
   */
  SessionHeartbeat: z.object(session),

  // customer-<uuid of business and customer key> (src/customers/customer.ts)
  /** The merchant's own note on a buyer ('' clears it). */
  CustomerNoteSet: z.object({ businessId: uuid, customerKey: z.string().min(1).max(200), note: z.string().max(2000) }),

  // user-<userId>
  /** v2: no password hash (it lives in the credentials table, sql/011); v1 is upcast. */
  UserRegistered: z.object({
    userId: uuid,
    username: z.string().min(3).max(50),
    email: z.string().email(),
    phone: e164.nullable(),
    role: userRole,
  }),
  UserDeactivated: z.object({ userId: uuid, by: z.string().min(1) }),
  UserReactivated: z.object({ userId: uuid, by: z.string().min(1) }),
  UserRoleGranted: z.object({ userId: uuid, role: userRole, by: z.string().min(1) }),

  // business-<businessId>
  BusinessRegistered: z.object(businessProfile),
  /** Carries the whole profile after the change, so a projection just overwrites. */
  BusinessUpdated: z.object(businessProfile),
  /** The whole catalog, replacing the previous one. */
  CatalogSet: z.object({ businessId: uuid, products: z.array(product) }),
  /** Reply templates overriding the built-in ones, per language; the whole set each time. */
  ReplyTemplatesSet: z.object({
    businessId: uuid,
    defaultLanguage: language.nullable(),
    templates: z.array(z.object({ language, key: z.string().regex(/^[a-z][a-z0-9_.]*$/), text: z.string().min(1).max(1000) })),
  }),
  /**
   * What the bot sends besides answers: order summaries to delivery groups, new-order alerts to admin
   * groups, a review question to the customer after delivery. The whole set each time.
   */
  NotificationSettingsSet: z.object({ businessId: uuid, deliverySummary: z.boolean(), adminAlerts: z.boolean(), reviewQuestion: z.boolean() }),

  // group-<groupId>
  GroupLinked: z.object(groupProfile),
  GroupUpdated: z.object(groupProfile),
  /** The merchant unlinked the group: its messages are no longer taken; its orders and messages stay. */
  GroupUnlinked: z.object({ groupId: uuid, businessId: uuid, by: z.string().min(1).max(200) }),

  // parking-<subscriber>: an admin skipped a parked event (src/subscriptions/parking.ts)
  ParkedEventSkipped: z.object({
    subscriber: z.string().min(1).max(100),
    eventId: uuid,
    position: z.string().regex(/^\d{1,19}$/),
    streamId: z.string().min(1).max(300),
    eventType: z.string().min(1).max(100),
    error: z.string().max(4000),
    reason: text(1000),
    by: z.string().min(1),
  }),
} as const;

export type EventSchemas = typeof eventSchemas;
export type NoviEventType = keyof EventSchemas;
export type NoviEventData<T extends NoviEventType> = z.infer<EventSchemas[T]>;
export type NoviEvent = { [T in NoviEventType]: { type: T; data: NoviEventData<T> } }[NoviEventType];
export type NoviEventOf<T extends NoviEventType> = Extract<NoviEvent, { type: T }>;

export const NOVI_EVENT_TYPES = Object.keys(eventSchemas) as NoviEventType[];

/** Current schema version of each event type's `data`. */
export const EVENT_SCHEMA_VERSION: { readonly [T in NoviEventType]: number } = {
  MessageReceived: 1,
  OrderParsed: 1,
  MessageIgnored: 1,
  MessageEdited: 1,
  MessageRevoked: 1,
  OrderPlaced: 1,
  OrderUpdated: 1,
  StatusChanged: 1,
  StatusChangeUndone: 1,
  OrderNumberReserved: 1,
  MessageSent: 1,
  SessionStarted: 1,
  QrIssued: 1,
  SessionReady: 1,
  SessionDisconnected: 1,
  SessionFailed: 1,
  SessionStopped: 1,
  SessionHeartbeat: 1,
  CustomerNoteSet: 1,
  UserRegistered: 2,
  UserDeactivated: 1,
  UserReactivated: 1,
  UserRoleGranted: 1,
  BusinessRegistered: 1,
  BusinessUpdated: 1,
  CatalogSet: 1,
  ReplyTemplatesSet: 1,
  GroupLinked: 1,
  GroupUpdated: 1,
  ParkedEventSkipped: 1,
  GroupUnlinked: 1,
  NotificationSettingsSet: 1,
};

/** Old shape → next version's shape, keyed by type then by the version being upgraded. */
const upcasters: { [T in NoviEventType]?: Record<number, (data: unknown) => unknown> } = {
  // v1 carried the password hash; sql/011 moved it to the credentials table.
  UserRegistered: { 1: (data) => withoutKeys(data, ['passwordHash']) },
};

/**
 * Fields that are secret wherever they appear in an event's data (today's schemas have none;
 * these are the names older versions used). Appends carrying one are refused
 * (ValidatedEventStore) and views of stored events never show one (redactSecrets).
 */
export const SECRET_FIELDS: { readonly [T in NoviEventType]?: readonly string[] } = {
  UserRegistered: ['passwordHash'],
};
const SECRET_ANYWHERE = new Set(['password', 'passwordHash', 'password_hash', 'sessionSecret', 'secret']);

function withoutKeys(data: unknown, keys: readonly string[]): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([k]) => !keys.includes(k)));
}

const isSecretKey = (type: string, key: string): boolean =>
  SECRET_ANYWHERE.has(key) || (isNoviEventType(type) && (SECRET_FIELDS[type]?.includes(key) ?? false));

/** The names of secret fields present in `data` (top level and nested), for refusing an append. */
export function secretFieldsIn(type: string, data: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (isSecretKey(type, k)) found.push(p);
        else walk(x, p);
      }
    }
  };
  walk(data, '');
  return found;
}

/** A copy of stored event data fit to show: every secret field replaced by "[secret]". */
export function redactSecrets(type: string, data: unknown): unknown {
  if (Array.isArray(data)) return data.map((x) => redactSecrets(type, x));
  if (typeof data !== 'object' || data === null) return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isSecretKey(type, k) ? '[secret]' : redactSecrets(type, v)]));
}

export function isNoviEventType(type: string): type is NoviEventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

export type ValidateResult = { ok: true; event: NoviEvent } | { ok: false; error: string };

/**
 * Checks a stored (or about-to-be-stored) event against the catalog, upcasting older
 * versions first. Readers turn `{ ok: false }` into InvalidStoredEvent with the stream and
 * position; they never skip the event.
 */
export function validateEvent(type: string, data: unknown, schemaVersion?: number): ValidateResult {
  if (!isNoviEventType(type)) return { ok: false, error: `unknown event type ${JSON.stringify(type)}` };
  const current = EVENT_SCHEMA_VERSION[type];
  let version = schemaVersion ?? current;
  if (!Number.isInteger(version) || version < 1) return { ok: false, error: `invalid schemaVersion ${String(schemaVersion)}` };
  if (version > current) {
    return { ok: false, error: `${type} schemaVersion ${version} is newer than this code knows (${current}); deploy the newer code` };
  }
  let upgraded = data;
  while (version < current) {
    const up = upcasters[type]?.[version];
    if (!up) return { ok: false, error: `no upcaster for ${type} from schemaVersion ${version}` };
    upgraded = up(upgraded);
    version += 1;
  }
  const parsed = eventSchemas[type].safeParse(upgraded);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    return { ok: false, error: issues };
  }
  return { ok: true, event: { type, data: parsed.data } as NoviEvent };
}

export interface MetadataInput {
  tenantId: string | null;
  actor: string;
  correlationId: string;
  causationId?: string | null;
  now: Date | string;
  /** Sets schemaVersion to the type's current version; handleCommand sets it per event anyway. */
  type?: NoviEventType;
}

export function makeMetadata(input: MetadataInput): EventMetadata {
  return {
    tenantId: input.tenantId,
    actor: input.actor,
    correlationId: input.correlationId,
    causationId: input.causationId ?? null,
    occurredAt: typeof input.now === 'string' ? input.now : input.now.toISOString(),
    schemaVersion: input.type ? EVENT_SCHEMA_VERSION[input.type] : 1,
  };
}
