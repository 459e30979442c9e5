// The whatsapp-web.js adapter driven through a fake client's event interface with recorded shapes.
import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapMessage, WwebjsTransport, type WaMessageLike, type WwebjsOptions } from '../../src/whatsapp/transports/wwebjs.ts';
import { phoneFromWhatsappId, type EditedMessage, type InboundMessage, type RevokedMessage, type TransportHandlers } from '../../src/whatsapp/transport.ts';
import { asSeenWithPhone, FakeWaClient, GROUP, groupMessage } from './fake-wwebjs.ts';

// Shapes as whatsapp-web.js 1.34 Message objects carry them (trimmed to what we read).
const groupText: WaMessageLike = {
  id: { fromMe: false, remote: '120363041234567890@g.us', id: '3EB0C767D26A1D2F8F4A', participant: '2348031234567@c.us', _serialized: 'false_120363041234567890@g.us_3EB0C767D26A1D2F8F4A_2348031234567@c.us' },
  ack: 1,
  from: '120363041234567890@g.us',
  to: '2348099999999@c.us',
  author: '2348031234567@c.us',
  timestamp: 1717171717,
  body: '2 jollof rice, 1 chapman\nDeliver to 14 Admiralty Way',
  type: 'chat',
  hasMedia: false,
  _data: { notifyName: 'Bisi Adeyemi' },
};
const mediaCaption: WaMessageLike = {
  id: { fromMe: false, remote: '120363041234567890@g.us', id: '3EB0AA11BB22CC33', _serialized: 'false_120363041234567890@g.us_3EB0AA11BB22CC33_5511987654321@c.us' },
  from: '120363041234567890@g.us',
  author: '5511987654321@c.us',
  timestamp: 1717171800,
  body: 'quero 2 desse',
  type: 'image',
  hasMedia: true,
  _data: { notifyName: 'Ana' },
};
const nativeOrder: WaMessageLike = {
  id: { fromMe: false, remote: '120363041234567890@g.us', id: '3EB0ORDER0001', _serialized: 'false_120363041234567890@g.us_3EB0ORDER0001_5215512345678@c.us' },
  from: '120363041234567890@g.us',
  author: '5215512345678@c.us',
  timestamp: 1717171900,
  body: '',
  type: 'order',
  orderId: '1234567890123456',
  _data: { notifyName: 'Luis' },
  getOrder: async () => ({
    products: [
      { id: '7654321', name: 'Tacos al pastor', quantity: 3, price: '45000', currency: 'MXN' },
      { id: '7654322', name: 'Agua de horchata', quantity: 1, price: '25000', currency: 'MXN' },
    ],
    subtotal: '160000',
    total: '160000',
    currency: 'MXN',
  }),
};
const privateChat: WaMessageLike = { ...groupText, id: { id: 'ABC', _serialized: 'false_2348031234567@c.us_ABC' }, from: '2348031234567@c.us', author: undefined };

t.test('phones come from the WhatsApp id', async (t) => {
  t.equal(phoneFromWhatsappId('2348031234567@c.us'), '+2348031234567');
  t.equal(phoneFromWhatsappId('5215512345678@c.us'), '+5215512345678', 'Mexico 521 kept as sent');
  t.equal(phoneFromWhatsappId('5511987654321@c.us'), '+5511987654321', 'Brazil ninth digit kept');
  t.equal(phoneFromWhatsappId('120363041234567890@g.us'), null);
  t.equal(phoneFromWhatsappId('12345678901234@lid'), null, 'hidden ids carry no phone');
});

t.test('recorded message shapes map to inbound messages', async (t) => {
  const g = (await mapMessage(groupText))!;
  t.same(
    { id: g.id, chatId: g.chatId, senderId: g.senderId, senderName: g.senderName, kind: g.kind, ts: g.timestamp.toISOString() },
    {
      id: '120363041234567890@g.us_3EB0C767D26A1D2F8F4A',
      chatId: '120363041234567890@g.us',
      senderId: '2348031234567@c.us',
      senderName: 'Bisi Adeyemi',
      kind: 'text',
      ts: new Date(1717171717000).toISOString(),
    },
  );
  const m = (await mapMessage(mediaCaption))!;
  t.equal(m.kind, 'media');
  t.equal(m.text, 'quero 2 desse', 'caption kept');
  const o = (await mapMessage(nativeOrder))!;
  t.equal(o.kind, 'order');
  t.same(o.nativeOrder, {
    items: [
      { name: 'Tacos al pastor', sku: '7654321', quantity: 3, unitPrice: 45 },
      { name: 'Agua de horchata', sku: '7654322', quantity: 1, unitPrice: 25 },
    ],
    total: 160,
    currency: 'MXN',
  });
  t.equal(await mapMessage({ ...groupText, type: 'sticker' }), null, 'stickers ignored');
  t.equal(await mapMessage({ ...groupText, fromMe: true }), null, 'our own messages ignored');
  t.equal((await mapMessage(privateChat))!.chatId, '2348031234567@c.us', 'private chats map; the session drops them');
});

function recorder() {
  const seen = {
    qr: [] as string[],
    ready: [] as Array<string | null>,
    messages: [] as InboundMessage[],
    failed: [] as string[],
    disconnected: [] as string[],
    edited: [] as EditedMessage[],
    revoked: [] as RevokedMessage[],
  };
  const h: TransportHandlers = {
    qr: (q) => seen.qr.push(q),
    ready: (i) => seen.ready.push(i.phone),
    message: (m) => seen.messages.push(m),
    failed: (r) => seen.failed.push(r),
    disconnected: (r) => seen.disconnected.push(r),
    edited: (e) => seen.edited.push(e),
    revoked: (e) => seen.revoked.push(e),
  };
  return { seen, h };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

async function started(o: Partial<WwebjsOptions> = {}, client = new FakeWaClient()) {
  const dir = mkdtempSync(join(tmpdir(), 'novi-wwebjs-'));
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, ackTimeoutMs: 200, createClient: async () => client, ...o });
  const { seen, h } = recorder();
  await tr.start(h);
  return { tr, client, seen, dir };
}

const out = (text = 'Order #7 received', chatId = GROUP) => ({ outboxId: 'o', groupId: 'g', chatId, text, recipient: '+1', inReplyTo: null });

t.test('the adapter follows the client events', async (t) => {
  const { tr, client, seen } = await started();
  client.emit('qr', 'QR-1');
  client.emit('authenticated');
  client.emit('ready');
  client.receive(groupText);
  client.receive(nativeOrder);
  client.emit('message_ack', groupText, 3);
  client.emit('change_state', 'CONNECTED');
  client.emit('group_join', { chatId: GROUP });
  await tick();
  t.same(seen.qr, ['QR-1']);
  t.same(seen.ready, ['+2348099999999']);
  t.same(seen.messages.map((m) => m.kind), ['text', 'order']);
  const fetched = await tr.fetchMessages(GROUP, 50);
  t.equal(fetched.length, 2, 'fetchMessages for reconciliation');
  await tr.typing(GROUP);
  const r = await tr.send(out());
  t.match(r.whatsappMessageId, /^true_.*3EB0OUT/);
  const found = await tr.findSent(out(), new Date(Date.now() - 5000));
  t.equal(found?.whatsappMessageId, r.whatsappMessageId, 'a send before a crash is found');
  t.equal(await tr.findSent(out('other'), new Date(Date.now() - 5000)), null);
  client.emit('disconnected', 'NAVIGATION');
  t.same(seen.disconnected, ['NAVIGATION']);
});

// ── senders ─────────────────────────────────────────────────────────────────────────

t.test('@lid senders: phone resolved through the LID lookup, cached per LID, LID kept as the sender id', async (t) => {
  const { client, seen } = await started();
  client.lids.set('123456789012345@lid', '2348031234567@c.us');
  client.lids.set('999999999999999@lid', undefined);
  client.emit('ready');
  client.receive(groupMessage({ author: '123456789012345@lid', body: '2 jollof rice' }));
  client.receive(groupMessage({ author: '123456789012345@lid', body: '1 chapman' }));
  client.receive(groupMessage({ author: '999999999999999@lid', body: '3 puff puff' }));
  client.receive(groupMessage({ author: '2348035550101@c.us', body: '1 zobo' }));
  await tick(30);
  t.same(
    seen.messages.map((m) => [m.senderId, m.senderPhone]),
    [
      ['123456789012345@lid', '+2348031234567'],
      ['123456789012345@lid', '+2348031234567'],
      ['999999999999999@lid', null],
      ['2348035550101@c.us', '+2348035550101'],
    ],
  );
  t.equal(client.lidLookups, 2, 'one lookup per LID; none for a phone id');
});

t.test('a LID lookup that fails or hangs degrades to no phone', async (t) => {
  const client = new FakeWaClient();
  client.getContactLidAndPhone = () => new Promise(() => undefined);
  const { seen } = await started({ lookupTimeoutMs: 30 }, client);
  client.receive(groupMessage({ author: '123456789012345@lid', body: '2 jollof rice' }));
  await tick(80);
  t.same(seen.messages.map((m) => m.senderPhone), [null], 'the message still goes through, without a phone');
});

t.test('dedupe key is the chat plus msg.id.id, whichever participant form the path used', async (t) => {
  const lid = groupMessage({ id: '3EB0DEDUPE01', author: '123456789012345@lid', body: 'x' });
  const viaPhone = asSeenWithPhone(lid, '2348031234567@c.us');
  t.not(lid.id._serialized, viaPhone.id._serialized, 'the serialized ids differ');
  t.equal((await mapMessage(lid))!.id, (await mapMessage(viaPhone))!.id);
  t.equal((await mapMessage(lid))!.id, `${GROUP}_3EB0DEDUPE01`);
  const other = groupMessage({ id: '3EB0DEDUPE01', author: '123456789012345@lid', body: 'x', chat: '120363000000000001@g.us' });
  t.not((await mapMessage(other))!.id, (await mapMessage(lid))!.id, 'the same id in another chat is another message');
});

// ── sending ─────────────────────────────────────────────────────────────────────────

t.test('send does not mark the chat read and waits until WhatsApp accepts the message', async (t) => {
  const client = new FakeWaClient();
  client.ackDelayMs = 60;
  const { tr } = await started({}, client);
  const t0 = Date.now();
  await tr.send(out());
  t.ok(Date.now() - t0 >= 50, 'resolved only after the server ack');
  t.equal(client.seen.has(GROUP), false, "the merchant's unread badge is left alone");
  t.equal(client.sendOptions[0]?.sendSeen, false);
});

t.test('send: chat not found, ack -1 and no ack at all fail the send', async (t) => {
  const client = new FakeWaClient();
  const { tr } = await started({}, client);
  await t.rejects(tr.send(out('hi', '120363999999999999@g.us')), /chat not found/);
  client.nextAck = -1;
  await t.rejects(tr.send(out('rejected')), /rejected by WhatsApp/);
  t.equal(await tr.findSent(out('rejected'), new Date(Date.now() - 5000)), null, 'a rejected copy in the chat does not count as sent');
  client.nextAck = 'never';
  await t.rejects(tr.send(out('lost')), /not accepted by WhatsApp within/);
});

t.test('findSent filters our own messages in Node over a bounded window', async (t) => {
  const client = new FakeWaClient();
  const { tr } = await started({}, client);
  await tr.send(out('Order #9 received'));
  for (let i = 0; i < 500; i++) client.chats.get(GROUP)!.unshift(groupMessage({ author: '2348035550101@c.us', body: `old ${i}`, t: 1_600_000_000 + i }));
  client.scanned = 0;
  t.ok(await tr.findSent(out('Order #9 received'), new Date(Date.now() - 5000)));
  t.equal(await tr.findSent(out('never sent'), new Date(Date.now() - 5000)), null);
  t.ok(client.scanned <= 2 * 50, `scanned ${client.scanned} messages, not the whole history`);
});

t.test('chat objects are cached: typing, sending checks and fetches do not refetch group metadata', async (t) => {
  const client = new FakeWaClient();
  const { tr } = await started({}, client);
  await tr.typing(GROUP);
  await tr.typing(GROUP);
  await tr.fetchMessages(GROUP, 10);
  await tr.findSent(out(), new Date());
  t.equal(client.chatLookups, 1);
});

// ── lifecycle ───────────────────────────────────────────────────────────────────────

t.test('QR refresh limit: a pairing nobody scans gives up', async (t) => {
  const { client, seen } = await started({ qrLimit: 5 });
  for (let i = 1; i <= 9; i++) client.emit('qr', `QR-${i}`);
  t.equal(seen.qr.length, 5, 'five QR codes shown');
  t.same(seen.failed.length, 1, 'then failed, once');
  t.match(seen.failed[0], /QR code was not scanned/);
  t.ok(client.destroyed, 'client destroyed');
  client.emit('disconnected', 'Max qrcode retries reached');
  t.same(seen.disconnected, [], 'no restart loop after giving up');
});

t.test('pairing has a wall-clock deadline (LocalAuth never emits auth_failure)', async (t) => {
  const { client, seen } = await started({ pairingTimeoutMs: 40 });
  client.emit('qr', 'QR-1');
  await tick(80);
  t.equal(seen.failed.length, 1);
  t.match(seen.failed[0], /not scanned/);
  t.ok(client.destroyed);
});

t.test('a session restored without a QR has no pairing deadline', async (t) => {
  const { client, seen } = await started({ pairingTimeoutMs: 30 });
  client.emit('authenticated');
  client.emit('ready');
  await tick(60);
  t.same(seen.failed, []);
});

t.test('initialize() that never returns fails the start', async (t) => {
  const client = new FakeWaClient();
  client.initializeHangs = true;
  const dir = mkdtempSync(join(tmpdir(), 'novi-wwebjs-'));
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, initTimeoutMs: 40, createClient: async () => client });
  await t.rejects(tr.start(recorder().h), /did not start within/);
  t.ok(client.destroyed, 'the browser is closed');
});

t.test('LOGOUT, UNPAIRED and terms-of-service blocks are terminal, with a reason the merchant reads', async (t) => {
  for (const [how, pattern] of [
    ['LOGOUT', /logged this device out/],
    ['UNPAIRED', /unlinked/],
    ['UNPAIRED_IDLE', /unlinked/],
    ['TOS_BLOCK', /terms of service/],
    ['SMB_TOS_BLOCK', /terms of service/],
  ] as const) {
    const { client, seen } = await started();
    client.emit('ready');
    if (how === 'LOGOUT') client.logoutFromPhone();
    else client.changeState(how);
    await tick();
    t.equal(seen.failed.length, 1, `${how}: failed`);
    t.match(seen.failed[0], pattern, `${how}: ${seen.failed[0]}`);
    t.same(seen.disconnected, [], `${how}: not a restartable disconnect`);
    t.same(seen.qr, [], `${how}: the QR LocalAuth shows afterwards is not offered`);
  }
  const { client, seen } = await started();
  client.changeState('PROXYBLOCK');
  t.same(seen.disconnected, ['PROXYBLOCK'], 'other states restart');
});

t.test('browser disconnects, page crashes and a silent getState() end the session', async (t) => {
  {
    const { client, seen } = await started();
    client.emit('ready');
    client.pupBrowser.emit('disconnected');
    await tick();
    t.match(seen.disconnected, [/browser/]);
  }
  {
    const { client, seen } = await started();
    client.emit('ready');
    client.pupPage.emit('error', new Error('Page crashed!'));
    await tick();
    t.match(seen.disconnected, [/page crashed/i]);
  }
  {
    const client = new FakeWaClient();
    const { seen } = await started({ probeEveryMs: 20, probeTimeoutMs: 20 }, client);
    client.emit('ready');
    client.getState = () => new Promise(() => undefined);
    await tick(150);
    t.equal(seen.disconnected.length, 1);
    t.match(seen.disconnected[0], /not responding/);
  }
});

t.test('stale Chromium Singleton* files are cleared before initialize()', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'novi-wwebjs-'));
  const profile = join(dir, 'session-s');
  mkdirSync(profile, { recursive: true });
  symlinkSync('old-container-host-4242', join(profile, 'SingletonLock'));
  symlinkSync('/tmp/nowhere/SingletonSocket', join(profile, 'SingletonSocket'));
  symlinkSync('12345', join(profile, 'SingletonCookie'));
  writeFileSync(join(profile, 'Local State'), '{}');
  const client = new FakeWaClient();
  let atInit: string[] = [];
  client.initialize = async () => void (atInit = readdirSync(profile).sort());
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: dir, chromiumPath: '/nope', dataDir: dir, createClient: async () => client });
  await tr.start(recorder().h);
  t.same(atInit, ['Local State'], 'profile kept, locks gone');
});

t.test('the browser pid is reported as soon as the browser runs', async (t) => {
  const pids: number[] = [];
  await started({ onBrowser: (pid) => pids.push(pid) });
  t.same(pids, [424242]);
});

// ── edits and deletions ─────────────────────────────────────────────────────────────

t.test('edits and deletions for everyone are passed on, keyed like the message', async (t) => {
  const { client, seen } = await started();
  const m = groupMessage({ id: '3EB0EDIT01', author: '123456789012345@lid', body: '2 jollof rice' });
  client.receive(m);
  client.edit(m, '3 jollof rice');
  client.revoke(m, false);
  const mine = { ...m, fromMe: true, id: { ...m.id, fromMe: true } };
  client.edit(mine, 'ours');
  client.revoke(mine);
  await tick();
  t.same(
    seen.edited.map((e) => [e.id, e.chatId, e.senderId, e.text]),
    [[`${GROUP}_3EB0EDIT01`, GROUP, '123456789012345@lid', '3 jollof rice']],
  );
  t.ok(seen.edited[0]!.editedAt instanceof Date);
  t.same(seen.revoked.map((e) => [e.id, e.chatId]), [[`${GROUP}_3EB0EDIT01`, GROUP]], 'our own edits and deletions are not');
});

t.test('auth failure fails the session', async (t) => {
  const { client, seen } = await started();
  client.emit('auth_failure', 'bad session');
  t.same(seen.failed, ['WhatsApp refused the saved login (bad session): link WhatsApp again']);
});
