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

export const ORDER_STATUSES = ['pending', 'confirmed', 'processing', 'out_for_delivery', 'delivered', 'cancelled', 'needs_review'] as const;
export const orderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatus>;

export const GROUP_TYPES = ['sales', 'delivery', 'admin'] as const;
export const groupType = z.enum(GROUP_TYPES);
export type GroupType = z.infer<typeof groupType>;

export const USER_ROLES = ['merchant', 'admin'] as const;
export const userRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof userRole>;

/** A user's role in one business (memberships): owner (everything), staff (orders and customers), rider (assigned deliveries). */
export const MEMBER_ROLES = ['owner', 'staff', 'rider'] as const;
export const memberRole = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof memberRole>;
/** Whom an invitation names: a username (3–50) or an e-mail address (≤ 254), lower-cased. */
export const inviteeName = z.string().trim().toLowerCase().min(3).max(254).regex(/^[a-z0-9_.+@-]+$/, 'must be a username or an e-mail address');

export const transport = z.enum(['whatsapp', 'simulator']);
export type Transport = z.infer<typeof transport>;

export const LANGUAGES = ['en', 'es', 'pt'] as const;
export const language = z.enum(LANGUAGES);
export type Language = z.infer<typeof language>;

// Payments (issue 18): an order's payment status, how it was paid and the customer's proofs.
export const PAYMENT_STATUSES = ['unpaid', 'paid', 'refunded'] as const;
export const paymentStatus = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof paymentStatus>;
export const PAYMENT_METHODS = ['cash', 'transfer', 'mobile_money', 'card', 'other'] as const;
export const paymentMethod = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof paymentMethod>;
/** A bank/mobile-money transaction reference as typed by a person: bounded, printable. */
export const MAX_PAYMENT_REFERENCE = 100;
export const paymentReference = z.string().trim().min(1).max(MAX_PAYMENT_REFERENCE);
/** Where an order came from: a WhatsApp message (absent in older events) or the merchant's form. */
export const orderChannel = z.enum(['whatsapp', 'manual']);

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
  status: orderStatus.exclude(['pending', 'needs_review']).nullable(),
  orderRef: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  missing: z.array(z.enum(['address', 'phone', 'items'])),
});
export type ParseResult = z.infer<typeof parseResult>;

/** Review queue (issue 11 §3): a field of a parsed order the parser was unsure of (src/parser/doubts.ts). */
export const MAX_FIELD_DOUBTS = 20;
export const fieldDoubt = z.object({
  field: z.enum(['item', 'quantity', 'address', 'total']),
  /** The item's line in the order (0-based) for item and quantity doubts; null otherwise. */
  line: z.number().int().min(0).max(MAX_ORDER_ITEMS).nullable(),
  reason: z.enum(['unmatched', 'loose', 'uncounted', 'prose', 'weak', 'no_address', 'total_conflict']),
});
export type FieldDoubt = z.infer<typeof fieldDoubt>;
/** What the customer wrote for each parsed item (before catalog matching): what a correction teaches. */
export const itemTexts = z.array(z.string().max(200).nullable()).max(MAX_ORDER_ITEMS);
/** A learned alias: normalised customer wording (src/businesses/aliases.ts). */
export const MAX_ALIAS_LENGTH = 80;
export const learnedAlias = z.string().min(1).max(MAX_ALIAS_LENGTH);

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
/** Bounds of one CustomerErased event (a customer with more is erased in several parts). */
export const MAX_ERASED_ORDERS = 5000;
export const MAX_ERASED_MESSAGES = 20_000;

/** Bounds of a business's self-edit window (BusinessSettingsSet): one minute to one day. */
export const MIN_SELF_EDIT_MINUTES = 1;
export const MAX_SELF_EDIT_MINUTES = 1440;

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
        kind: z.enum([
          'cancel_not_yours', 'cancel_not_open', 'cancel_no_open_order', 'cancel_unknown_order',
          // A customer's own change by message (src/orders/self-edit.ts), and "same as last time".
          'edit_not_yours', 'edit_not_open', 'edit_no_open_order', 'edit_unknown_item', 'repeat_none',
        ]),
        number: z.number().int().positive().nullable(),
        status: orderStatus.nullable(),
        /** The language the customer wrote in, when the request was recognised in one; else the business's. */
        language: language.nullable(),
        /** edit_unknown_item: the item as the customer named it. */
        item: z.string().min(1).max(80).optional(),
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
      /** `manual`: entered by the merchant (the event's actor) on /orders/new; absent: a WhatsApp message. */
      channel: orderChannel.optional(),
      /** Manual orders: whether the customer is sent the confirmation on WhatsApp. */
      notifyCustomer: z.boolean().optional(),
    }),
    parserVersion: z.string().nullable(),
    missing: z.array(z.string()),
    placedAt: isoTimestamp,
    /** Placed below the business's auto-accept threshold: status needs_review until accepted (absent: pending). */
    review: z.object({ confidence: z.number().min(0).max(1), threshold: z.number().min(0.5).max(1), ask: z.boolean(), doubts: z.array(fieldDoubt).max(MAX_FIELD_DOUBTS) }).optional(),
    itemTexts: itemTexts.optional(),
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
    /** `customer`: the customer changed their own order by a message in its chat (the event's actor). */
    reason: z.enum(['edit', 'reparse', 'customer']),
    /** With new items read from the customer's words (an edited message): what they wrote per item. */
    itemTexts: itemTexts.optional(),
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

  /** Review queue settings (issue 11 §3): below `autoAcceptThreshold` an order needs review; `ask` asks the customer. */
  ReviewSettingsSet: z.object({ businessId: uuid, autoAcceptThreshold: z.number().min(0.5).max(1), reviewMode: z.enum(['hold', 'ask']) }),
  /** A merchant corrected a parsed item to a catalog product: that wording now names it (issue 11 §4). */
  ProductAliasLearned: z.object({ businessId: uuid, alias: learnedAlias, sku: z.string().trim().min(1).max(64) }),
  ProductAliasForgotten: z.object({ businessId: uuid, alias: learnedAlias }),

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

  // members-<businessId> (src/staff/members.ts): who works in the business, with what role
  /** An owner invited a username or e-mail address; the account that has it may accept until expiresAt. */
  MemberInvited: z.object({ businessId: uuid, inviteId: uuid, invitee: inviteeName, role: memberRole, invitedBy: uuid, expiresAt: isoTimestamp }),
  InvitationRevoked: z.object({ businessId: uuid, inviteId: uuid, by: z.string().min(1).max(100) }),
  MemberJoined: z.object({ businessId: uuid, inviteId: uuid, userId: uuid, role: memberRole }),
  MemberRoleChanged: z.object({ businessId: uuid, userId: uuid, from: memberRole, to: memberRole, by: z.string().min(1).max(100) }),
  MemberRemoved: z.object({ businessId: uuid, userId: uuid, role: memberRole, by: z.string().min(1).max(100) }),
  // delivery-<orderId>: the rider who delivers the order (null: nobody any more)
  RiderAssigned: z.object({ orderId: uuid, businessId: uuid, riderId: uuid.nullable(), by: z.string().min(1).max(100) }),
  // apikey-<keyId> (src/integrations/api-keys.ts): the key and its hash live in api_keys (sql/021), never here
  ApiKeyCreated: z.object({ keyId: uuid, businessId: uuid, name: text(100) }),
  ApiKeyRevoked: z.object({ keyId: uuid, businessId: uuid, name: text(100) }),
  // webhook-<webhookId> (src/integrations/webhooks.ts): the signing secret lives in webhooks (sql/021), never here
  WebhookAdded: z.object({ webhookId: uuid, businessId: uuid, url: z.string().url().max(2048), events: z.array(z.string().min(1).max(50)).min(1).max(10) }),
  WebhookRemoved: z.object({ webhookId: uuid, businessId: uuid }),
  // erasure-<erasureId>: the business erased one customer's personal data (src/customers/erasure.ts).
  // Carries no personal data: the customer is named by `customerRef`, the uuid of their customer
  // stream (a hash of business and key), never by phone or name.
  CustomerErased: z.object({
    erasureId: uuid,
    businessId: uuid,
    customerRef: uuid,
    /** The customer's orders whose personal data is now redacted on every read. */
    orderIds: z.array(uuid).max(MAX_ERASED_ORDERS),
    /** The WhatsApp message ids (theirs, and the bot's replies to them) now redacted. */
    messageIds: z.array(z.string().min(1).max(300)).max(MAX_ERASED_MESSAGES),
    /** How many stored events this part redacts. */
    events: count,
    /** 1 for the erasure; 2… for events found appended while it was being recorded. */
    part: positiveCount,
    by: z.string().min(1).max(200),
  }),
  // order-<orderId>: charges, payments and receipts (issue 18)
  /**
   * The merchant set the delivery fee and discount. The order total (OrderUpdated.totalAmount,
   * recorded with it when it changes) is items + fee − discount, never negative.
   */
  OrderChargesSet: z.object({ orderId: uuid, businessId: uuid, deliveryFee: money, discount: money }),
  /** The order was paid (the merchant confirmed it, possibly from a customer's proof). */
  PaymentRecorded: z.object({
    orderId: uuid,
    businessId: uuid,
    method: paymentMethod,
    reference: paymentReference.nullable(),
    /** The amount received; null when the merchant did not say (the order total is assumed). */
    amount: money.nullable(),
    /** The PaymentProofReceived this confirms, by its WhatsApp message id. */
    proofMessageId: z.string().min(1).max(300).nullable(),
    recordedAt: isoTimestamp,
  }),
  PaymentRefunded: z.object({ orderId: uuid, businessId: uuid, reason: z.string().trim().max(500).nullable(), refundedAt: isoTimestamp }),
  /** A customer's "sent the money, ref …" message attached to their open order, for the merchant to confirm. */
  PaymentProofReceived: z.object({
    orderId: uuid,
    businessId: uuid,
    groupId: uuid,
    messageId: z.string().min(1).max(300),
    /** The message (or image caption) as written, cut to 2000 characters. */
    text: z.string().max(2000),
    reference: paymentReference.nullable(),
    method: paymentMethod.nullable(),
    hasMedia: z.boolean(),
    receivedAt: isoTimestamp,
  }),
  /** The merchant asked for the text receipt to be sent to the customer on WhatsApp (the notifier sends it). */
  ReceiptSendRequested: z.object({ orderId: uuid, businessId: uuid, requestedAt: isoTimestamp }),
  // business-<businessId>: how the business's number talks to customers (issue 14)
  BusinessSettingsSet: z.object({
    businessId: uuid,
    /** Whether direct (1:1) messages to the business's number are read as orders. */
    directOrders: z.boolean(),
    /** Where replies to a group order go: the group, or privately to the customer who ordered. */
    replyMode: z.enum(['group', 'private']),
    /** How long after placing it a customer may still change or cancel their own order by message. */
    selfEditWindowMinutes: z.number().int().min(MIN_SELF_EDIT_MINUTES).max(MAX_SELF_EDIT_MINUTES),
  }),
  // order-<orderId>: a customer asked by message to change their order after the window; the merchant handles it.
  OrderChangeRequested: z.object({
    orderId: uuid,
    businessId: uuid,
    messageId: z.string().min(1).max(300),
    request: z.enum(['add', 'replace', 'remove', 'cancel']),
    text: z.string().max(1000),
    requestedAt: isoTimestamp,
  }),
  // chat-<groupId>: "same as last time" answered with the order it would place; a YES places it.
  RepeatOrderOffered: z.object({
    messageId: z.string().min(1).max(300),
    businessId: uuid,
    groupId: uuid,
    senderId: z.string().min(1).max(200),
    fromOrderId: uuid,
    fromNumber: positiveCount,
    customer: z.object({ name: z.string().max(200).nullable(), phone: e164.nullable(), address: z.string().max(500).nullable() }),
    items: orderItems.refine((i) => i.length > 0, 'at least one item'),
    totalAmount: money.nullable(),
    currency: currencyCode.nullable(),
    language: language.nullable(),
    offeredAt: isoTimestamp,
  }),
  // user-<userId>
  /** The web UI's language the user chose in the account menu (web/i18n). */
  UserLanguageSet: z.object({ userId: uuid, language }),
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
  MemberInvited: 1,
  InvitationRevoked: 1,
  MemberJoined: 1,
  MemberRoleChanged: 1,
  MemberRemoved: 1,
  RiderAssigned: 1,
  ApiKeyCreated: 1,
  ApiKeyRevoked: 1,
  WebhookAdded: 1,
  WebhookRemoved: 1,
  CustomerErased: 1,
  OrderChargesSet: 1,
  PaymentRecorded: 1,
  PaymentRefunded: 1,
  PaymentProofReceived: 1,
  ReceiptSendRequested: 1,
  BusinessSettingsSet: 1,
  OrderChangeRequested: 1,
  RepeatOrderOffered: 1,
  ReviewSettingsSet: 1,
  ProductAliasLearned: 1,
  ProductAliasForgotten: 1,
  GroupUnlinked: 1,
  NotificationSettingsSet: 1,
  UserLanguageSet: 1,
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
