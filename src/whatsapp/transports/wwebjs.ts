// The whatsapp-web.js transport: one WhatsApp Web client (system Chromium, LocalAuth per session)
// mapped onto the transport port. The library is imported lazily, so a simulator child never
// loads whatsapp-web.js or puppeteer. Written against whatsapp-web.js 1.34.7's own behaviour
// (tests/whatsapp/fake-wwebjs.ts reproduces it): `@lid` senders, sends that resolve before the
// server accepts them, LocalAuth pairing that never fails by itself, terminal states reported as
// disconnects, and a browser that outlives a killed parent.
import { EventEmitter } from 'node:events';
import { createReadStream, lstatSync, readlinkSync, readFileSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  isDirectChat,
  phoneFromWhatsappId,
  type ChatSummary,
  type EditedMessage,
  type InboundMessage,
  type NativeOrder,
  type OutgoingMessage,
  type RevokedMessage,
  type Transport,
  type TransportHandlers,
} from '../transport.ts';

/** The slice of whatsapp-web.js's Message that we read (shapes as 1.34.7 serializes them). */
export interface WaMessageLike {
  id: { _serialized: string; id?: string; fromMe?: boolean; remote?: string; participant?: string | undefined };
  /** -1 error, 0 pending, 1 server, 2 device, 3 read. */
  ack?: number | undefined;
  from: string;
  to?: string;
  author?: string | undefined;
  timestamp: number;
  body: string;
  type: string;
  fromMe?: boolean;
  hasMedia?: boolean;
  orderId?: string | undefined;
  latestEditSenderTimestampMs?: number | undefined;
  /** `quotedMsg` / `quotedStanzaID`: the message this one replies to (WhatsApp Web's model, what `hasQuotedMsg` reads). */
  _data?: { notifyName?: string | undefined; quotedMsg?: { body?: string | undefined; caption?: string | undefined } | undefined; quotedStanzaID?: string | undefined } | undefined;
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

/** A chat as Client.getChats() gives it (Chat / GroupChat of 1.34.7; `participants` reads groupMetadata, which may be absent). */
export interface WaChatSummaryLike {
  id: { _serialized: string };
  name?: string | undefined;
  isGroup?: boolean | undefined;
  /** Seconds since the epoch of the last message (`t`); absent for a chat never written in. */
  timestamp?: number | undefined;
  readonly participants?: unknown[] | undefined;
}

/** The slice of whatsapp-web.js's Client that we drive; an EventEmitter like the real one. */
export interface WaClientLike extends EventEmitter {
  info?: { wid?: { user?: string } } | undefined;
  initialize(): Promise<unknown>;
  /** undefined for a chat WhatsApp Web cannot find. */
  getChatById(chatId: string): Promise<WaChatLike | undefined>;
  /** Resolves undefined for a chat it cannot find, and before the server accepted the message. */
  sendMessage(chatId: string, content: string, options?: Record<string, unknown>): Promise<WaMessageLike | undefined>;
  getChats?(): Promise<WaChatSummaryLike[]>;
  getContactLidAndPhone?(userIds: string[]): Promise<Array<{ lid?: string | undefined; pn?: string | undefined }>>;
  /** Every chat of the account, with its last activity (seconds). */
  getChats?(): Promise<Array<{ id: { _serialized: string }; isGroup?: boolean; timestamp?: number }>>;
  getState?(): Promise<string | null>;
  logout(): Promise<unknown>;
  destroy(): Promise<unknown>;
  pupBrowser?: (EventEmitter & { process(): { pid?: number | undefined } | null }) | null;
  pupPage?: EventEmitter | null;
}

/**
 * Where the WhatsApp Web login lives. `local`: LocalAuth's profile `session-<id>` on this host's
 * disk (a takeover by another host shows a new QR). `remote`: RemoteAuth, the login state archived
 * in PostgreSQL by the store every backupEveryMs (first archive one minute after linking), so
 * another host resumes the session linked.
 */
export type WwebjsAuth = { mode: 'local' } | { mode: 'remote'; backupEveryMs: number; store: RemoteAuthStore };

/** The store interface whatsapp-web.js's RemoteAuth calls (src/whatsapp/auth-store.ts implements it). */
export interface RemoteAuthStore {
  sessionExists(o: { session: string }): Promise<boolean>;
  save(o: { session: string }): Promise<unknown>;
  extract(o: { session: string; path: string }): Promise<void>;
  delete(o: { session: string }): Promise<void>;
}

export interface WwebjsOptions {
  sessionId: string;
  sessionPath: string;
  /** Default local. */
  auth?: WwebjsAuth;
  chromiumPath: string;
  dataDir: string;
  /** QR codes shown before giving up on a pairing nobody scans. */
  qrLimit?: number;
  /** Wall-clock limit from the first QR to a scan (LocalAuth never gives up by itself). */
  pairingTimeoutMs?: number;
  /** initialize() must return within this (it navigates with no timeout of its own). */
  initTimeoutMs?: number;
  /** How long a send waits for WhatsApp's server ack before it counts as failed. */
  ackTimeoutMs?: number;
  /** LID→phone lookups give up after this (the message goes on without a phone). */
  lookupTimeoutMs?: number;
  /** Liveness: a getState() probe this often once ready, failing after probeTimeoutMs. */
  probeEveryMs?: number;
  probeTimeoutMs?: number;
  /** How long a chat object is reused (getChatById refreshes group metadata every call). */
  chatTtlMs?: number;
  /** The browser's pid as soon as it runs (the supervisor kills its process group with the child). */
  onBrowser?: (pid: number) => void;
  log?: (level: 'info' | 'warn', message: string, extra?: Record<string, unknown>) => void;
  /** Tests inject a fake client; production builds the real one. */
  createClient?: () => Promise<WaClientLike>;
}

export const DEFAULT_QR_LIMIT = 5;
const DEFAULTS = {
  pairingTimeoutMs: 4 * 60_000,
  initTimeoutMs: 3 * 60_000,
  ackTimeoutMs: 30_000,
  lookupTimeoutMs: 5_000,
  probeEveryMs: 30_000,
  probeTimeoutMs: 15_000,
  chatTtlMs: 10 * 60_000,
};
/** LIDs whose phone is remembered at most (a phone found is kept; "not revealed" is asked again after an hour). */
const MAX_LIDS = 20_000;
const UNREVEALED_TTL_MS = 3_600_000;
/** Message keys → serialized ids remembered for quoting replies. */
const MAX_QUOTE_REFS = 5_000;
/** Messages looked at when checking whether a crashed attempt had sent a reply. */
const FIND_SENT_WINDOW = 50;

/**
 * States whatsapp-web.js reports as `disconnected` after which no restart can help: the merchant
 * has to act. The text is what the merchant reads on the session page.
 */
const TERMINAL: Record<string, string> = {
  LOGOUT: 'WhatsApp logged this device out: link WhatsApp again by scanning a new QR code',
  UNPAIRED: 'This device was unlinked from the phone: link WhatsApp again by scanning a new QR code',
  UNPAIRED_IDLE: 'This device was unlinked from the phone: link WhatsApp again by scanning a new QR code',
  TOS_BLOCK: 'WhatsApp blocked this number for breaking its terms of service; Novi cannot use it until WhatsApp lifts the block',
  SMB_TOS_BLOCK: 'WhatsApp blocked this business number for breaking its terms of service; Novi cannot use it until WhatsApp lifts the block',
};

class Timeout extends Error {}
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Chromium refuses a profile whose `SingletonLock` names another host ("in use on another
 * computer"), which is every profile after a container is recreated. Called while this host holds
 * the session's lease, so no other live browser may use the profile: a browser of ours left over
 * from a killed child (same host) is ended, then the lock files go.
 */
export function clearProfileLocks(profileDir: string, log?: WwebjsOptions['log']): void {
  try {
    const target = readlinkSync(join(profileDir, 'SingletonLock'));
    const m = /^(.*)-(\d+)$/.exec(target);
    if (m && m[1] === hostname()) {
      const pid = Number(m[2]);
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        cmdline = '';
      }
      if (pid !== process.pid && cmdline.includes(profileDir)) {
        log?.('warn', 'killing a browser left over on this profile', { pid });
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }
    }
  } catch {
    /* no lock */
  }
  for (const name of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) {
    const path = join(profileDir, name);
    try {
      lstatSync(path);
    } catch {
      continue;
    }
    rmSync(path, { force: true });
  }
}

/** RemoteAuth's own unzip library (an optional dependency of whatsapp-web.js, untyped). */
const unzipper = () => createRequire(import.meta.url)('unzipper') as { Extract(o: { path: string; concurrency: number }): NodeJS.WritableStream & EventEmitter };

/** The Chromium profile folder of a session under WHATSAPP_SESSION_PATH, as each auth strategy names it. */
export function profileDir(o: Pick<WwebjsOptions, 'sessionId' | 'sessionPath' | 'auth'>): string {
  return join(o.sessionPath, `${o.auth?.mode === 'remote' ? 'RemoteAuth' : 'session'}-${o.sessionId}`);
}

/** whatsapp-web.js's auth strategy for the options (exported for tests: they run RemoteAuth for real). */
export async function authStrategy(o: Pick<WwebjsOptions, 'sessionId' | 'sessionPath' | 'auth'>) {
  const mod = await import('whatsapp-web.js');
  const wa = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
  if (o.auth?.mode === 'remote') {
    /**
     * RemoteAuth (1.34.7) resolves its unzip on the extractor's 'finish', which unzipper emits once
     * the zip is read, before every file is written ('close'): Chromium could open a half-restored
     * login (tests/whatsapp/remote-auth.int.test.ts caught Local Storage missing). Wait for 'close'.
     */
    class CompleteRemoteAuth extends wa.RemoteAuth {
      async unCompressSession(file: string): Promise<void> {
        const target = (this as unknown as { userDataDir: string }).userDataDir;
        await new Promise<void>((resolve, reject) => {
          const extract = unzipper().Extract({ path: target, concurrency: 10 });
          extract.on('error', reject).on('close', () => resolve());
          createReadStream(file).on('error', reject).pipe(extract);
        });
        await unlink(file);
      }
    }
    return new CompleteRemoteAuth({ clientId: o.sessionId, dataPath: o.sessionPath, store: o.auth.store, backupSyncIntervalMs: Math.max(60_000, o.auth.backupEveryMs) });
  }
  return new wa.LocalAuth({ clientId: o.sessionId, dataPath: o.sessionPath });
}

async function realClient(o: WwebjsOptions): Promise<WaClientLike> {
  const mod = await import('whatsapp-web.js');
  const wa = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
  const client = new wa.Client({
    authStrategy: await authStrategy(o),
    puppeteer: {
      executablePath: o.chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-zygote', '--disable-extensions'],
      // Chromium must go when the child goes; the supervisor also kills its process group.
      handleSIGTERM: true,
      handleSIGINT: true,
      handleSIGHUP: true,
    },
    // No version cache: WhatsApp Web serves its current build and whatsapp-web.js injects into it.
    // A cached index.html goes stale (WhatsApp deprecates old builds and answers DEPRECATED_VERSION)
    // and the library's local cache writes its files non-atomically; pinning needs an upgrade
    // watch we do not run. Upgrading whatsapp-web.js is the monitored step.
    webVersionCache: { type: 'none' },
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

/** The stable part of a WhatsApp message id (`id.id`), from the serialized form when absent. */
function stableId(id: WaMessageLike['id']): string {
  if (id.id) return id.id;
  const parts = id._serialized.split('_');
  return parts[2] ?? id._serialized;
}

/** The key a message is deduplicated on: its chat plus `msg.id.id`. */
export function messageKey(chatId: string, id: WaMessageLike['id']): string {
  return `${chatId}_${stableId(id)}`;
}

function isMine(msg: WaMessageLike): boolean {
  return Boolean(msg.fromMe || msg.id.fromMe);
}

/** A whatsapp-web.js message as a transport-neutral InboundMessage (null for what we never store). */
/** The quoted message (a rider answering an order summary), bounded like the event that carries it. */
function quotedOf(msg: WaMessageLike): { quoted?: { id: string; text: string } } {
  const q = msg._data?.quotedMsg;
  if (!q) return {};
  const text = String(q.body ?? q.caption ?? '').slice(0, 4096);
  const stanza = msg._data?.quotedStanzaID;
  return { quoted: { id: (stanza ? `${msg.from}_${stanza}` : 'unknown').slice(0, 300), text } };
}

export async function mapMessage(msg: WaMessageLike): Promise<InboundMessage | null> {
  if (isMine(msg)) return null;
  const chatId = msg.from;
  const senderId = msg.author || msg.from;
  const base = {
    id: messageKey(chatId, msg.id),
    legacyIds: [msg.id._serialized],
    chatId,
    senderId,
    senderName: msg._data?.notifyName?.trim() || null,
    text: msg.body ?? '',
    timestamp: new Date(msg.timestamp * 1000),
    ...quotedOf(msg),
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
  private handlers: TransportHandlers | undefined;
  private qrCount = 0;
  /** Set once the session is over for this transport (failed or disconnected): nothing more is reported. */
  private over = false;
  private pairingTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly lidPhones = new Map<string, { phone: string | null; until: number }>();
  private readonly lidPending = new Map<string, Promise<string | null>>();
  private readonly chats = new Map<string, { chat: WaChatLike; until: number }>();
  /** Message key → serialized id, to quote the message a reply answers. */
  private readonly quoteRefs = new Map<string, string>();
  /** Latest ack of our own messages, by serialized id (an ack may arrive before sendMessage returns). */
  private readonly acks = new Map<string, number>();
  private readonly ackWaiters = new Map<string, (ack: number) => void>();
  private readonly o: WwebjsOptions & typeof DEFAULTS;

  constructor(options: WwebjsOptions) {
    this.o = { ...DEFAULTS, ...options };
  }

  private log(level: 'info' | 'warn', message: string, extra?: Record<string, unknown>): void {
    this.o.log?.(level, message, extra);
  }

  private end(kind: 'failed' | 'disconnected', reason: string): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.pairingTimer);
    clearInterval(this.probeTimer);
    if (kind === 'failed') this.handlers?.failed(reason);
    else this.handlers?.disconnected(reason);
    void this.client?.destroy().catch(() => undefined);
  }

  async start(h: TransportHandlers): Promise<void> {
    this.handlers = h;
    // (RemoteAuth replaces the profile with the archived one before Chromium starts.)
    clearProfileLocks(profileDir(this.o), this.o.log);
    const client = await (this.o.createClient ?? (() => realClient(this.o)))();
    this.client = client;
    const limit = this.o.qrLimit ?? DEFAULT_QR_LIMIT;
    client.on('qr', (qr: string) => {
      if (this.over) return;
      this.qrCount += 1;
      if (this.qrCount > limit) return this.end('failed', `The QR code was not scanned (${limit} codes shown): start the session again to link WhatsApp`);
      if (this.qrCount === 1) {
        const ms = this.o.pairingTimeoutMs;
        this.pairingTimer = setTimeout(() => this.end('failed', `The QR code was not scanned within ${Math.round(ms / 60_000) || 1} minutes: start the session again to link WhatsApp`), ms);
        this.pairingTimer.unref?.();
      }
      h.qr(qr);
    });
    client.on('authenticated', () => {
      clearTimeout(this.pairingTimer);
      this.log('info', 'authenticated');
    });
    client.on('auth_failure', (message: string) => this.end('failed', `WhatsApp refused the saved login (${String(message)}): link WhatsApp again`));
    client.on('ready', () => {
      if (this.over) return;
      clearTimeout(this.pairingTimer);
      const user = client.info?.wid?.user;
      h.ready({ phone: user && /^\d{7,15}$/.test(user) ? `+${user}` : null });
      this.startProbe(client);
    });
    client.on('message', (msg: WaMessageLike) => {
      if (this.over) return;
      // In arrival order, though a LID lookup may make one message slower to map than the next.
      this.inboundQueue = this.inboundQueue
        .then(() => this.inbound(msg))
        .then(
          (m) => m && !this.over && h.message(m),
          (e: unknown) => this.log('warn', 'unreadable message', { err: String(e) }),
        );
    });
    client.on('message_ack', (msg: WaMessageLike, ack: number) => this.onAck(msg, ack));
    client.on('message_edit', (msg: WaMessageLike, newBody: unknown) => {
      if (this.over || isMine(msg) || msg.type === 'revoked') return;
      const edited: EditedMessage = {
        id: messageKey(msg.from, msg.id),
        chatId: msg.from,
        senderId: msg.author || msg.from,
        text: typeof newBody === 'string' ? newBody : msg.body,
        editedAt: new Date(msg.latestEditSenderTimestampMs ?? Date.now()),
      };
      h.edited(edited);
    });
    client.on('message_revoke_everyone', (msg: WaMessageLike, original?: WaMessageLike) => {
      const m = original ?? msg;
      if (this.over || isMine(m)) return;
      const revoked: RevokedMessage = { id: messageKey(m.from, m.id), chatId: m.from, senderId: m.author || m.from, revokedAt: new Date() };
      h.revoked(revoked);
    });
    client.on('change_state', (state: string) => this.log('info', 'state changed', { state }));
    client.on('group_join', (n: { chatId?: string }) => this.log('info', 'joined group', { chatId: n.chatId }));
    client.on('group_leave', (n: { chatId?: string }) => this.log('info', 'left group', { chatId: n.chatId }));
    client.on('disconnected', (reason: unknown) => {
      const r = String(reason);
      const terminal = TERMINAL[r];
      if (terminal) this.end('failed', terminal);
      else if (r === 'Max qrcode retries reached') this.end('failed', 'The QR code was not scanned: start the session again to link WhatsApp');
      else this.end('disconnected', r);
    });

    const watchBrowser = setInterval(() => this.watchBrowser(client, watchBrowser), 100);
    try {
      await within(client.initialize(), this.o.initTimeoutMs, 'WhatsApp Web did not start');
    } catch (e) {
      this.over = true;
      await client.destroy().catch(() => undefined);
      throw e;
    } finally {
      this.watchBrowser(client, watchBrowser);
    }
  }

  private inboundQueue: Promise<unknown> = Promise.resolve();
  private browserSeen = false;
  /** Reports the browser pid once and maps its end and page crashes onto a disconnect. */
  private watchBrowser(client: WaClientLike, timer: NodeJS.Timeout): void {
    if (this.browserSeen) return void clearInterval(timer);
    const browser = client.pupBrowser;
    if (!browser) return;
    this.browserSeen = true;
    clearInterval(timer);
    const pid = browser.process()?.pid;
    if (pid) this.o.onBrowser?.(pid);
    browser.on('disconnected', () => this.end('disconnected', 'the browser closed or crashed'));
    client.pupPage?.on('error', (e: unknown) => this.end('disconnected', `WhatsApp Web page crashed: ${String((e as Error)?.message ?? e)}`));
  }

  /** Liveness is WhatsApp Web answering, not a timer: a getState() that fails twice ends the session. */
  private startProbe(client: WaClientLike): void {
    clearInterval(this.probeTimer);
    if (!client.getState) return;
    let misses = 0;
    let probing = false;
    this.probeTimer = setInterval(() => {
      if (probing || this.over) return;
      probing = true;
      within(client.getState!(), this.o.probeTimeoutMs, 'getState did not answer')
        .then(
          (state) => {
            misses = 0;
            if (state && TERMINAL[state]) this.end('failed', TERMINAL[state]);
          },
          () => {
            misses += 1;
            if (misses >= 2) this.end('disconnected', 'WhatsApp Web is not responding');
          },
        )
        .finally(() => (probing = false));
    }, this.o.probeEveryMs);
    this.probeTimer.unref?.();
  }

  private async inbound(msg: WaMessageLike): Promise<InboundMessage | null> {
    const m = await mapMessage(msg);
    if (!m) return null;
    this.rememberQuote(m.id, msg.id._serialized);
    return { ...m, senderPhone: m.senderId.endsWith('@lid') ? await this.phoneOfLid(m.senderId) : phoneFromWhatsappId(m.senderId) };
  }

  private rememberQuote(key: string, serialized: string): void {
    if (this.quoteRefs.size >= MAX_QUOTE_REFS) this.quoteRefs.delete(this.quoteRefs.keys().next().value!);
    this.quoteRefs.set(key, serialized);
  }

  /** A `@lid` sender's phone through WhatsApp's LID→phone lookup, once per LID; null when not revealed. */
  private async phoneOfLid(lid: string): Promise<string | null> {
    const known = this.lidPhones.get(lid);
    if (known && known.until > Date.now()) return known.phone;
    const pending = this.lidPending.get(lid);
    if (pending) return pending;
    const client = this.client;
    if (!client?.getContactLidAndPhone) return null;
    const lookup = within(client.getContactLidAndPhone([lid]), this.o.lookupTimeoutMs, 'LID lookup did not answer')
      .then((r) => {
        const pn = r.find((x) => x.lid === lid)?.pn ?? r[0]?.pn;
        const phone = pn ? phoneFromWhatsappId(pn) : null;
        if (this.lidPhones.size >= MAX_LIDS) this.lidPhones.delete(this.lidPhones.keys().next().value!);
        this.lidPhones.set(lid, { phone, until: phone ? Number.POSITIVE_INFINITY : Date.now() + UNREVEALED_TTL_MS });
        return phone;
      })
      .catch((e: unknown) => {
        this.log('warn', 'LID lookup failed; the sender stays without a phone', { err: String(e) });
        return null;
      })
      .finally(() => this.lidPending.delete(lid));
    this.lidPending.set(lid, lookup);
    return lookup;
  }

  private need(): WaClientLike {
    if (!this.client) throw new Error('whatsapp client not started');
    return this.client;
  }

  /** Chat objects are reused for a while: getChatById refreshes group metadata, which WhatsApp rate-limits. */
  private async chat(chatId: string): Promise<WaChatLike> {
    const cached = this.chats.get(chatId);
    if (cached && cached.until > Date.now()) return cached.chat;
    const chat = await this.need().getChatById(chatId);
    if (!chat) throw new Error(`chat not found: ${chatId}`);
    this.chats.set(chatId, { chat, until: Date.now() + this.o.chatTtlMs });
    return chat;
  }

  async fetchMessages(chatId: string, limit: number): Promise<InboundMessage[]> {
    const chat = await this.chat(chatId);
    const out: InboundMessage[] = [];
    // No `fromMe` filter: the library applies it inside a loop that can page through all history.
    for (const m of await chat.fetchMessages({ limit: Math.max(1, Math.min(limit, 5000)) })) {
      const mapped = await this.inbound(m);
      if (mapped) out.push(mapped);
    }
    // Same-second messages come back in no stable order: sort by time, then id, for a stable answer.
    return out.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Client.getChats(), groups and private chats only (no channels, no status broadcast). */
  async listChats(limit: number): Promise<ChatSummary[]> {
    const client = this.need();
    if (!client.getChats) throw new Error('this WhatsApp client cannot list chats');
    const chats = await client.getChats();
    const out: ChatSummary[] = [];
    for (const c of chats) {
      const id = c.id?._serialized;
      if (typeof id !== 'string' || !/@(g\.us|c\.us|lid)$/.test(id)) continue;
      let participants: number | null = null;
      try {
        // The getter reads groupMetadata, which WhatsApp Web has not always loaded.
        participants = c.isGroup && Array.isArray(c.participants) ? c.participants.length : null;
      } catch {
        participants = null;
      }
      const t = typeof c.timestamp === 'number' && c.timestamp > 0 ? new Date(c.timestamp * 1000) : null;
      out.push({ id, name: typeof c.name === 'string' && c.name.trim() ? c.name.trim() : id.split('@')[0]!, isGroup: c.isGroup === true || id.endsWith('@g.us'), participants, lastMessageAt: t });
    }
    out.sort((a, b) => Number(b.isGroup) - Number(a.isGroup) || (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0));
    return out.slice(0, limit);
  }

  async typing(chatId: string): Promise<void> {
    await (await this.chat(chatId)).sendStateTyping();
  }

  async directChats(since: Date, limit: number): Promise<string[]> {
    const client = this.need();
    if (!client.getChats) return [];
    const chats = await within(client.getChats(), this.o.lookupTimeoutMs, 'chat list did not answer');
    return chats
      .filter((c) => !c.isGroup && isDirectChat(c.id._serialized) && (c.timestamp ?? 0) * 1000 >= since.getTime())
      .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))
      .slice(0, limit)
      .map((c) => c.id._serialized);
  }

  private onAck(msg: WaMessageLike, ack: number): void {
    if (!isMine(msg)) return;
    const id = msg.id._serialized;
    if (this.acks.size >= 1000) this.acks.delete(this.acks.keys().next().value!);
    this.acks.set(id, ack);
    this.ackWaiters.get(id)?.(ack);
  }

  /** The server's verdict on a message we sent: ≥ 1 accepted, -1 refused, nothing within the timeout: failed. */
  private async accepted(sent: WaMessageLike): Promise<void> {
    const id = sent.id._serialized;
    const now = Math.max(sent.ack ?? 0, this.acks.get(id) ?? 0);
    const verdict =
      sent.ack === -1 || this.acks.get(id) === -1
        ? -1
        : now >= 1
          ? now
          : await new Promise<number>((resolve) => {
              const timer = setTimeout(() => resolve(0), this.o.ackTimeoutMs);
              this.ackWaiters.set(id, (ack) => {
                if (ack === 0) return;
                clearTimeout(timer);
                resolve(ack);
              });
            }).finally(() => this.ackWaiters.delete(id));
    if (verdict === -1) throw new Error('the message was rejected by WhatsApp (ack -1)');
    if (verdict < 1) throw new Error(`the message was not accepted by WhatsApp within ${this.o.ackTimeoutMs} ms`);
  }

  async send(m: OutgoingMessage): Promise<{ whatsappMessageId: string; sentAt: Date }> {
    // A reply answers a message key; a message recorded under its serialized id quotes as it is.
    const ref = m.inReplyTo ? (this.quoteRefs.get(m.inReplyTo) ?? (/^(true|false)_/.test(m.inReplyTo) ? m.inReplyTo : undefined)) : undefined;
    // A private reply to a group message cannot quote it: the quoted message lives in another chat.
    const quoted = ref !== undefined && (ref.startsWith(`false_${m.chatId}_`) || ref.startsWith(`true_${m.chatId}_`)) ? ref : undefined;
    const sent = await within(
      this.need().sendMessage(m.chatId, m.text, {
        // The default marks the whole chat read, clearing the merchant's unread badge on their phone.
        sendSeen: false,
        waitUntilMsgSent: true,
        ...(quoted ? { quotedMessageId: quoted } : {}),
      }),
      this.o.ackTimeoutMs,
      'sendMessage did not return',
    );
    if (!sent) throw new Error(`chat not found: ${m.chatId}`);
    await this.accepted(sent);
    return { whatsappMessageId: sent.id._serialized, sentAt: sent.timestamp ? new Date(sent.timestamp * 1000) : new Date() };
  }

  async findSent(m: OutgoingMessage, since: Date): Promise<{ whatsappMessageId: string; sentAt: Date } | null> {
    const recent = await (await this.chat(m.chatId)).fetchMessages({ limit: FIND_SENT_WINDOW });
    // WhatsApp timestamps are whole seconds: allow the second the attempt started in.
    const from = Math.floor(since.getTime() / 1000) - 1;
    const hit = recent
      .reverse()
      .find((x) => isMine(x) && x.body === m.text && x.timestamp >= from && (x.ack === undefined || (this.acks.get(x.id._serialized) ?? x.ack) >= 1));
    return hit ? { whatsappMessageId: hit.id._serialized, sentAt: new Date(hit.timestamp * 1000) } : null;
  }

  async logout(): Promise<void> {
    this.over = true;
    await this.client?.logout().catch((e: unknown) => this.log('warn', 'logout failed', { err: String(e) }));
  }

  async stop(): Promise<void> {
    this.over = true;
    clearTimeout(this.pairingTimer);
    clearInterval(this.probeTimer);
    await this.client?.destroy().catch(() => undefined);
  }
}
