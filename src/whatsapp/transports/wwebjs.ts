// The whatsapp-web.js transport: one WhatsApp Web client (system Chromium, LocalAuth per session)
// mapped onto the transport port. The library is imported lazily, so a simulator child never
// loads whatsapp-web.js or puppeteer.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { InboundMessage, NativeOrder, OutgoingMessage, Transport, TransportHandlers } from '../transport.ts';

/** The slice of whatsapp-web.js's Message that we read (recorded shapes in the tests). */
export interface WaMessageLike {
  id: { _serialized: string; fromMe?: boolean };
  from: string;
  to?: string;
  author?: string | undefined;
  timestamp: number;
  body: string;
  type: string;
  fromMe?: boolean;
  hasMedia?: boolean;
  orderId?: string | undefined;
  _data?: { notifyName?: string | undefined } | undefined;
  getOrder?: () => Promise<WaOrderLike | undefined>;
}

export interface WaOrderLike {
  products?: Array<{ id?: string; name?: string; quantity?: number; price?: string | number; currency?: string }>;
  subtotal?: string | number;
  total?: string | number;
  currency?: string;
}

export interface WaChatLike {
  fetchMessages(options: { limit: number; fromMe?: boolean }): Promise<WaMessageLike[]>;
  sendStateTyping(): Promise<unknown>;
}

/** The slice of whatsapp-web.js's Client that we drive; an EventEmitter like the real one. */
export interface WaClientLike extends EventEmitter {
  info?: { wid?: { user?: string } } | undefined;
  initialize(): Promise<unknown>;
  getChatById(chatId: string): Promise<WaChatLike>;
  sendMessage(chatId: string, content: string, options?: { quotedMessageId?: string }): Promise<WaMessageLike>;
  logout(): Promise<unknown>;
  destroy(): Promise<unknown>;
}

export interface WwebjsOptions {
  sessionId: string;
  sessionPath: string;
  chromiumPath: string;
  dataDir: string;
  /** QR codes shown before giving up on a pairing nobody scans. */
  qrLimit?: number;
  log?: (level: 'info' | 'warn', message: string, extra?: Record<string, unknown>) => void;
  /** Tests inject a fake client; production builds the real one. */
  createClient?: () => Promise<WaClientLike>;
}

export const DEFAULT_QR_LIMIT = 5;

async function realClient(o: WwebjsOptions): Promise<WaClientLike> {
  const mod = await import('whatsapp-web.js');
  const wa = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
  const client = new wa.Client({
    authStrategy: new wa.LocalAuth({ clientId: o.sessionId, dataPath: o.sessionPath }),
    puppeteer: {
      executablePath: o.chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-zygote', '--disable-extensions'],
    },
    // A pinned, locally cached WhatsApp Web build: a new WhatsApp Web release does not change us under load.
    webVersionCache: { type: 'local', path: join(o.dataDir, 'wwebjs-cache') },
    takeoverOnConflict: true,
    takeoverTimeoutMs: 10_000,
  });
  return client as unknown as WaClientLike;
}

/** WhatsApp amounts in catalog orders are in thousandths of the currency unit (price1000). */
function amount(v: string | number | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) / 1000 : null;
}

function currency(v: string | undefined): string | null {
  return v && /^[A-Z]{3}$/.test(v) ? v : null;
}

export function mapOrder(order: WaOrderLike): NativeOrder {
  const items = (order.products ?? [])
    .filter((p) => (p.name ?? '').trim() !== '')
    .map((p) => ({
      name: (p.name ?? '').trim().slice(0, 200),
      sku: p.id ? String(p.id) : null,
      quantity: typeof p.quantity === 'number' && p.quantity > 0 ? p.quantity : 1,
      unitPrice: amount(p.price),
    }));
  return {
    items,
    total: amount(order.total ?? order.subtotal),
    currency: currency(order.currency) ?? currency(order.products?.[0]?.currency),
  };
}

/** A whatsapp-web.js message as a transport-neutral InboundMessage (null for what we never store). */
export async function mapMessage(msg: WaMessageLike): Promise<InboundMessage | null> {
  if (msg.fromMe || msg.id.fromMe) return null;
  const chatId = msg.from;
  const senderId = msg.author || msg.from;
  const base = {
    id: msg.id._serialized,
    chatId,
    senderId,
    senderName: msg._data?.notifyName?.trim() || null,
    text: msg.body ?? '',
    timestamp: new Date(msg.timestamp * 1000),
  };
  switch (msg.type) {
    case 'chat':
      return { ...base, kind: 'text' };
    case 'image':
    case 'video':
    case 'document':
      // Only the caption matters to us; the media itself is never downloaded.
      return { ...base, kind: 'media' };
    case 'order': {
      let nativeOrder: NativeOrder | undefined;
      try {
        const order = msg.getOrder ? await msg.getOrder() : undefined;
        if (order) nativeOrder = mapOrder(order);
      } catch {
        nativeOrder = undefined;
      }
      return nativeOrder ? { ...base, kind: 'order', nativeOrder } : { ...base, kind: 'order' };
    }
    default:
      return null;
  }
}

export class WwebjsTransport implements Transport {
  readonly kind = 'whatsapp' as const;
  readonly sendDelayMs = [1200, 3500] as const;
  private client: WaClientLike | undefined;
  private qrCount = 0;
  private gaveUp = false;

  constructor(private readonly o: WwebjsOptions) {}

  private log(level: 'info' | 'warn', message: string, extra?: Record<string, unknown>): void {
    this.o.log?.(level, message, extra);
  }

  async start(h: TransportHandlers): Promise<void> {
    const client = await (this.o.createClient ?? (() => realClient(this.o)))();
    this.client = client;
    const limit = this.o.qrLimit ?? DEFAULT_QR_LIMIT;
    client.on('qr', (qr: string) => {
      if (this.gaveUp) return;
      this.qrCount += 1;
      if (this.qrCount > limit) {
        this.gaveUp = true;
        h.failed('QR not scanned');
        void client.destroy().catch(() => undefined);
        return;
      }
      h.qr(qr);
    });
    client.on('authenticated', () => this.log('info', 'authenticated'));
    client.on('auth_failure', (message: string) => {
      this.gaveUp = true;
      h.failed(`auth failure: ${String(message)}`);
    });
    client.on('ready', () => {
      const user = client.info?.wid?.user;
      h.ready({ phone: user && /^\d{7,15}$/.test(user) ? `+${user}` : null });
    });
    client.on('message', (msg: WaMessageLike) => {
      mapMessage(msg).then(
        (m) => m && h.message(m),
        (e: unknown) => this.log('warn', 'unreadable message', { err: String(e) }),
      );
    });
    client.on('message_ack', (msg: WaMessageLike, ack: number) => this.log('info', 'message ack', { id: msg.id._serialized, ack }));
    client.on('change_state', (state: string) => this.log('info', 'state changed', { state }));
    client.on('group_join', (n: { chatId?: string }) => this.log('info', 'joined group', { chatId: n.chatId }));
    client.on('group_leave', (n: { chatId?: string }) => this.log('info', 'left group', { chatId: n.chatId }));
    client.on('disconnected', (reason: string) => {
      if (!this.gaveUp) h.disconnected(String(reason));
    });
    await client.initialize();
  }

  private need(): WaClientLike {
    if (!this.client) throw new Error('whatsapp client not started');
    return this.client;
  }

  async fetchMessages(chatId: string, limit: number): Promise<InboundMessage[]> {
    const chat = await this.need().getChatById(chatId);
    const out: InboundMessage[] = [];
    for (const m of await chat.fetchMessages({ limit })) {
      const mapped = await mapMessage(m);
      if (mapped) out.push(mapped);
    }
    return out;
  }

  async typing(chatId: string): Promise<void> {
    const chat = await this.need().getChatById(chatId);
    await chat.sendStateTyping();
  }

  async send(m: OutgoingMessage): Promise<{ whatsappMessageId: string; sentAt: Date }> {
    const sent = await this.need().sendMessage(m.chatId, m.text, m.inReplyTo ? { quotedMessageId: m.inReplyTo } : {});
    return { whatsappMessageId: sent.id._serialized, sentAt: sent.timestamp ? new Date(sent.timestamp * 1000) : new Date() };
  }

  async findSent(m: OutgoingMessage, since: Date): Promise<{ whatsappMessageId: string; sentAt: Date } | null> {
    const chat = await this.need().getChatById(m.chatId);
    const recent = await chat.fetchMessages({ limit: 50, fromMe: true });
    // WhatsApp timestamps are whole seconds: allow the second the attempt started in.
    const from = Math.floor(since.getTime() / 1000) - 1;
    const hit = recent.reverse().find((x) => (x.fromMe || x.id.fromMe) && x.body === m.text && x.timestamp >= from);
    return hit ? { whatsappMessageId: hit.id._serialized, sentAt: new Date(hit.timestamp * 1000) } : null;
  }

  async logout(): Promise<void> {
    await this.client?.logout().catch((e: unknown) => this.log('warn', 'logout failed', { err: String(e) }));
  }

  async stop(): Promise<void> {
    await this.client?.destroy().catch(() => undefined);
  }
}
