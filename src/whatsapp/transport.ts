// The port every session transport (whatsapp-web.js, simulator) implements, in WhatsApp's own terms
// but free of any library type, so the session child does not care which one it drives.

export interface NativeOrder {
  items: Array<{ name: string; sku: string | null; quantity: number; unitPrice: number | null }>;
  total: number | null;
  currency: string | null;
}

export interface InboundMessage {
  /**
   * The message's key: `<chatId>_<msg.id.id>` for WhatsApp. Not `id._serialized`, which embeds the
   * participant in whichever form (`@c.us` or `@lid`) a delivery path used, so one message could
   * show up under two ids.
   */
  id: string;
  /**
   * Ids the same message may have been recorded under before (the adapter once keyed on
   * `id._serialized`): reconciliation treats them as recorded, so an upgrade imports nothing twice.
   */
  legacyIds?: string[];
  /** Chat the message was posted in: `…@g.us` for a group, `…@c.us` / `…@lid` for a private chat. */
  chatId: string;
  /** WhatsApp id of the sender (`author` in a group, `from` in a private chat); may be a `…@lid`. */
  senderId: string;
  /**
   * The sender's phone (E.164) when the transport knows it better than the id does (a `@lid` sender
   * resolved through WhatsApp's LID→phone lookup); null when WhatsApp does not reveal it; absent:
   * read it from `senderId`.
   */
  senderPhone?: string | null;
  senderName: string | null;
  text: string;
  timestamp: Date;
  kind: 'text' | 'media' | 'order';
  nativeOrder?: NativeOrder;
  /** The message this one replies to (quotes), with its text as WhatsApp shows it. */
  quoted?: { id: string; text: string };
}

/** A message edited by its sender (WhatsApp allows it for 15 minutes). */
export interface EditedMessage {
  /** Same key as InboundMessage.id. */
  id: string;
  chatId: string;
  senderId: string;
  text: string;
  editedAt: Date;
}

/** A message its sender deleted for everyone. */
export interface RevokedMessage {
  id: string;
  chatId: string;
  senderId: string;
  revokedAt: Date;
}

export interface OutgoingMessage {
  outboxId: string;
  /** Our group id (the chat's group in Novi). */
  groupId: string;
  chatId: string;
  text: string;
  /** Who the reply is for (a phone or a name), shown by the simulator. */
  recipient: string;
  /** WhatsApp id of the message answered, quoted when the transport can. */
  inReplyTo: string | null;
}

export interface TransportHandlers {
  qr: (qr: string) => void;
  /** The phone number of the linked account, when known. */
  ready: (info: { phone: string | null }) => void;
  message: (message: InboundMessage) => void;
  disconnected: (reason: string) => void;
  /**
   * The session cannot go on without the merchant (QR never scanned, device logged out or unlinked,
   * number blocked): it gives up, and `reason` is shown to the merchant.
   */
  failed: (reason: string) => void;
  edited: (message: EditedMessage) => void;
  revoked: (message: RevokedMessage) => void;
}

/** One chat of the linked account, as the merchant picks a group from it (GET /business/:id/whatsapp/chats). */
export interface ChatSummary {
  id: string;
  name: string;
  isGroup: boolean;
  /** Members of a group (null when WhatsApp has not loaded them, and for private chats). */
  participants: number | null;
  lastMessageAt: Date | null;
}

export interface Transport {
  readonly kind: 'whatsapp' | 'simulator';
  /** Milliseconds to wait between two sends: [min, max], randomised (anti-spam pacing). */
  readonly sendDelayMs: readonly [number, number];
  start(handlers: TransportHandlers): Promise<void>;
  /** The latest `limit` messages of a chat, oldest first. */
  fetchMessages(chatId: string, limit: number): Promise<InboundMessage[]>;
  /**
   * Private (1:1) chats with activity since `since`, newest first, at most `limit`: reconciliation
   * of direct chats after downtime. Absent: the transport cannot list chats.
   */
  directChats?(since: Date, limit: number): Promise<string[]>;
  /** Shows "typing…" in the chat before a reply, when the transport has such a thing. */
  typing(chatId: string): Promise<void>;
  /** Resolves once WhatsApp accepted the message; rejects when it did not (the outbox retries). */
  send(message: OutgoingMessage): Promise<{ whatsappMessageId: string; sentAt: Date }>;
  /**
   * After a crash between send and record: the id of a message we already sent for this outbox
   * entry (same chat, same text, from us, after `since`), or null if it was never sent.
   */
  findSent(message: OutgoingMessage, since: Date): Promise<{ whatsappMessageId: string; sentAt: Date } | null>;
  /** The account's chats, groups first, most recent first, at most `limit`. */
  listChats(limit: number): Promise<ChatSummary[]>;
  /** Unlinks the device (the merchant stopped the session). */
  logout(): Promise<void>;
  stop(): Promise<void>;
  /** A wake-up from the supervisor: new input may be waiting (simulator). */
  poke?(): void;
}

/** `2348031234567@c.us` → `+2348031234567`. The id carries the full international number; no digit rules. */
export function phoneFromWhatsappId(id: string): string | null {
  const m = /^(\d{7,15})(?::\d+)?@(c\.us|s\.whatsapp\.net)$/.exec(id);
  if (!m || m[1]!.startsWith('0')) return null;
  return `+${m[1]}`;
}

export function isGroupChat(chatId: string): boolean {
  return chatId.endsWith('@g.us');
}

/** A private chat with one person (`…@c.us`, or `…@lid` when WhatsApp hides the number); not status or channels. */
export function isDirectChat(chatId: string): boolean {
  return /^[0-9]{5,20}@(c\.us|lid)$/.test(chatId);
}

/** The private chat to answer a sender in: their own chat id, or their phone's `@c.us` chat; null if neither is known. */
export function privateChatOf(sender: { id?: string | null; phone: string | null }): string | null {
  if (sender.id && isDirectChat(sender.id)) return sender.id;
  return sender.phone ? `${sender.phone.slice(1)}@c.us` : null;
}

/** The chat id the simulator gives a group that has no WhatsApp chat linked. */
export function simulatorChatId(groupId: string): string {
  return `sim-${groupId}@g.us`;
}
