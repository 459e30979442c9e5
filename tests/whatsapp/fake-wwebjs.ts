// A fake whatsapp-web.js 1.34.7 Client that behaves like the real one where the real one is unkind
// (read from node_modules/whatsapp-web.js: Client.js, structures/Message.js, structures/Chat.js,
// authStrategies/LocalAuth.js, util/Injected/Utils.js):
// - group senders arrive as `…@lid` authors; `id._serialized` embeds the participant in whichever
//   form that delivery path used, `id.id` is the stable part;
// - getContactLidAndPhone() answers `{ lid, pn }`, `pn` undefined when WhatsApp does not reveal it;
// - sendMessage() resolves `undefined` for a chat it cannot find, marks the chat read unless
//   `sendSeen: false`, and resolves with ack 0 before the server accepts; the server's verdict
//   (1, or -1 for an error) arrives later as `message_ack`;
// - chat.fetchMessages({ fromMe }) filters inside a loop that pages through the whole history;
// - getChatById() refreshes group metadata on every call (counted here);
// - LOGOUT / UNPAIRED / TOS blocks arrive as `disconnected` with the state as reason, and after a
//   LOGOUT LocalAuth wipes the profile and shows a new QR instead of emitting `auth_failure`;
// - edits arrive as `message_edit(msg, newBody, prevBody)`, deletions as
//   `message_revoke_everyone(revokedMsg, originalMsg | undefined)`.
import { EventEmitter } from 'node:events';
import type { WaChatLike, WaClientLike, WaMessageLike } from '../../src/whatsapp/transports/wwebjs.ts';

export const GROUP = '120363041234567890@g.us';

let seq = 0;
export function groupMessage(o: { id?: string; author: string; body: string; t?: number; name?: string; chat?: string; type?: string }): WaMessageLike {
  const chat = o.chat ?? GROUP;
  const id = o.id ?? `3EB0${(++seq).toString(16).toUpperCase().padStart(16, '0')}`;
  return {
    id: { fromMe: false, remote: chat, id, participant: o.author, _serialized: `false_${chat}_${id}_${o.author}` },
    ack: 1,
    from: chat,
    to: '2348099999999@c.us',
    author: o.author,
    timestamp: o.t ?? Math.floor(Date.now() / 1000),
    body: o.body,
    type: o.type ?? 'chat',
    hasMedia: false,
    _data: { notifyName: o.name ?? 'Customer' },
  };
}

/**
 * A message in a private (1:1) chat, as whatsapp-web.js delivers it: `from` is the chat and the
 * sender (`…@c.us`, or `…@lid` when WhatsApp hides the number), no `author`, and `id._serialized`
 * without a participant. `status@broadcast` (a status update) has an author like a group.
 */
export function directMessage(o: { id?: string; from: string; body: string; t?: number; name?: string; type?: string; author?: string }): WaMessageLike {
  const id = o.id ?? `3EB0${(++seq).toString(16).toUpperCase().padStart(16, '0')}`;
  return {
    id: { fromMe: false, remote: o.from, id, _serialized: `false_${o.from}_${id}` },
    ack: 1,
    from: o.from,
    to: '2348099999999@c.us',
    ...(o.author ? { author: o.author } : {}),
    timestamp: o.t ?? Math.floor(Date.now() / 1000),
    body: o.body,
    type: o.type ?? 'chat',
    hasMedia: false,
    _data: { notifyName: o.name ?? 'Customer' },
  };
}

/** The same message as a second delivery path shows it: participant as phone id instead of LID. */
export function asSeenWithPhone(m: WaMessageLike, phoneId: string): WaMessageLike {
  return { ...m, author: phoneId, id: { ...m.id, participant: phoneId, _serialized: `false_${m.from}_${m.id.id}_${phoneId}` } };
}

export type AckPlan = 1 | -1 | 'never';

export class FakeWaClient extends EventEmitter implements WaClientLike {
  info = { wid: { user: '2348099999999' } };
  readonly chats = new Map<string, WaMessageLike[]>();
  /** LID → phone id WhatsApp reveals (undefined: it does not). */
  readonly lids = new Map<string, string | undefined>();
  lidLookups = 0;
  chatLookups = 0;
  /** Messages scanned by fetchMessages (the cost of paging through history). */
  scanned = 0;
  readonly seen = new Set<string>();
  readonly sendOptions: Array<Record<string, unknown> | undefined> = [];
  nextAck: AckPlan = 1;
  ackDelayMs = 5;
  state: string | null = 'CONNECTED';
  initializeHangs = false;
  destroyed = false;
  loggedOut = false;
  initialized = 0;
  readonly pupBrowser = Object.assign(new EventEmitter(), { process: () => ({ pid: 424242 }) });
  readonly pupPage = new EventEmitter();

  constructor() {
    super();
    this.chats.set(GROUP, []);
  }

  async initialize(): Promise<void> {
    this.initialized += 1;
    if (this.initializeHangs) await new Promise(() => undefined);
  }

  async getChatById(chatId: string): Promise<WaChatLike | undefined> {
    this.chatLookups += 1;
    const msgs = this.chats.get(chatId);
    if (!msgs) return undefined;
    return {
      fetchMessages: async (o: { limit: number; fromMe?: boolean }) => {
        if (o.fromMe === undefined) {
          const out = msgs.slice(-o.limit);
          this.scanned += out.length;
          return out;
        }
        // The real loop calls loadEarlierMsgs until `limit` messages pass the filter.
        const hits: WaMessageLike[] = [];
        for (let i = msgs.length - 1; i >= 0 && hits.length < o.limit; i--) {
          this.scanned += 1;
          if (Boolean(msgs[i]!.id.fromMe) === o.fromMe) hits.unshift(msgs[i]!);
        }
        return hits;
      },
      sendStateTyping: async () => true,
    };
  }

  async getContactLidAndPhone(userIds: string[]): Promise<Array<{ lid?: string; pn?: string }>> {
    this.lidLookups += 1;
    return userIds.map((id) => (this.lids.has(id) ? { lid: id, pn: this.lids.get(id) } : {}));
  }

  async sendMessage(chatId: string, content: string, options?: Record<string, unknown>): Promise<WaMessageLike | undefined> {
    this.sendOptions.push(options);
    const msgs = this.chats.get(chatId);
    if (!msgs) return undefined; // the real evaluate returns null for a chat it cannot find
    if (options?.sendSeen !== false) this.seen.add(chatId);
    const id = `3EB0OUT${(++seq).toString().padStart(10, '0')}`;
    const msg: WaMessageLike = {
      id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` },
      ack: 0,
      from: '2348099999999@c.us',
      to: chatId,
      timestamp: Math.floor(Date.now() / 1000),
      body: content,
      type: 'chat',
      fromMe: true,
    };
    msgs.push(msg);
    const plan = this.nextAck;
    if (plan !== 'never') {
      setTimeout(() => {
        msg.ack = plan;
        this.emit('message_ack', { ...msg }, plan);
      }, this.ackDelayMs);
    }
    return { ...msg };
  }

  async getState(): Promise<string | null> {
    return this.state;
  }

  async logout(): Promise<void> {
    this.loggedOut = true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  // ── what the phone and WhatsApp do ──────────────────────────────────────────────────

  receive(m: WaMessageLike): void {
    (this.chats.get(m.from) ?? this.chats.set(m.from, []).get(m.from)!).push(m);
    this.emit('message_create', m);
    this.emit('message', m);
  }

  /** Client.js onAppStateChangedEvent: a state outside the accepted ones disconnects and destroys. */
  changeState(state: string): void {
    this.state = state;
    this.emit('change_state', state);
    if (!['CONNECTED', 'OPENING', 'PAIRING', 'TIMEOUT', 'CONFLICT'].includes(state)) {
      this.emit('disconnected', state);
      void this.destroy();
    }
  }

  /** The merchant unlinks the device on the phone: LOGOUT, then LocalAuth re-injects and shows a QR. */
  logoutFromPhone(): void {
    this.emit('disconnected', 'LOGOUT');
    this.emit('qr', 'QR-after-logout');
  }

  /**
   * Pairing as whatsapp-web.js does it: Client.js emits `qr` with a new code each time WhatsApp Web
   * refreshes it (ref,publicKey,identityKey,advSecret; the real refresh is about every 20 s), then,
   * once the phone scanned, `authenticated` and `ready` with `info.wid` set.
   */
  async pair(o: { codes: number; everyMs: number; scanned: boolean; onCode?: (qr: string, n: number) => Promise<void> | void }): Promise<string[]> {
    const issued: string[] = [];
    for (let n = 1; n <= o.codes; n++) {
      const qr = `2@${Buffer.from(`ref-${n}-${seq++}`).toString('base64')},${Buffer.from(`pub-${n}`).toString('base64')},${Buffer.from('identity').toString('base64')},${Buffer.from('adv').toString('base64')}`;
      issued.push(qr);
      this.emit('qr', qr);
      await o.onCode?.(qr, n);
      await new Promise((r) => setTimeout(r, o.everyMs));
    }
    if (o.scanned) {
      this.emit('authenticated', { WABrowserId: 'x' });
      this.emit('ready');
    }
    return issued;
  }

  /** getChats(): every chat the fake holds, groups with their participants (GroupChat reads groupMetadata). */
  readonly chatNames = new Map<string, { name: string; participants?: number; t?: number }>();
  async getChats(): Promise<Array<{ id: { _serialized: string }; name: string; isGroup: boolean; timestamp?: number; participants?: unknown[] }>> {
    return [...this.chats.keys()].map((id) => {
      const info = this.chatNames.get(id);
      const last = this.chats.get(id)?.at(-1)?.timestamp;
      const isGroup = id.endsWith('@g.us');
      const chat: { id: { _serialized: string }; name: string; isGroup: boolean; timestamp?: number; participants?: unknown[] } = { id: { _serialized: id }, name: info?.name ?? id.split('@')[0]!, isGroup };
      const t = info?.t ?? last;
      if (t !== undefined) chat.timestamp = t;
      if (isGroup && info?.participants !== undefined) chat.participants = Array.from({ length: info.participants }, (_, i) => ({ id: { _serialized: `23480${i}@c.us` } }));
      return chat;
    });
  }

  edit(m: WaMessageLike, body: string): void {
    const prev = m.body;
    m.body = body;
    m.latestEditSenderTimestampMs = Date.now();
    this.emit('message_edit', { ...m }, body, prev);
  }

  revoke(m: WaMessageLike, withOriginal = true): void {
    const revoked: WaMessageLike = { ...m, type: 'revoked', body: '' };
    this.emit('message_revoke_everyone', revoked, withOriginal ? { ...m } : undefined);
  }
}
