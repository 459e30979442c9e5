// The whatsapp-web.js adapter driven through a fake client's event interface with recorded shapes.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { mapMessage, WwebjsTransport, type WaClientLike, type WaMessageLike } from '../../src/whatsapp/transports/wwebjs.ts';
import { phoneFromWhatsappId, type InboundMessage, type TransportHandlers } from '../../src/whatsapp/transport.ts';

// Shapes as whatsapp-web.js 1.34 Message objects carry them (trimmed to what we read).
const groupText: WaMessageLike = {
  id: { fromMe: false, _serialized: 'false_120363041234567890@g.us_3EB0C767D26A1D2F8F4A_2348031234567@c.us' },
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
  id: { fromMe: false, _serialized: 'false_120363041234567890@g.us_3EB0AA11BB22CC33_5511987654321@c.us' },
  from: '120363041234567890@g.us',
  author: '5511987654321@c.us',
  timestamp: 1717171800,
  body: 'quero 2 desse',
  type: 'image',
  hasMedia: true,
  _data: { notifyName: 'Ana' },
};
const nativeOrder: WaMessageLike = {
  id: { fromMe: false, _serialized: 'false_120363041234567890@g.us_3EB0ORDER0001_5215512345678@c.us' },
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
const privateChat: WaMessageLike = { ...groupText, id: { _serialized: 'false_2348031234567@c.us_ABC' }, from: '2348031234567@c.us', author: undefined };

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
      id: groupText.id._serialized,
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

class FakeClient extends EventEmitter implements WaClientLike {
  info = { wid: { user: '2348099999999' } };
  sent: Array<{ chatId: string; text: string }> = [];
  destroyed = false;
  typing = 0;
  async initialize() {}
  async getChatById() {
    return {
      fetchMessages: async (o: { limit: number; fromMe?: boolean }) =>
        o.fromMe
          ? [{ ...groupText, fromMe: true, id: { fromMe: true, _serialized: 'true_x_SENT1' }, body: 'Order #7 received', timestamp: Math.floor(Date.now() / 1000) }]
          : [groupText, mediaCaption, nativeOrder].slice(-o.limit),
      sendStateTyping: async () => void this.typing++,
    };
  }
  async sendMessage(chatId: string, text: string) {
    this.sent.push({ chatId, text });
    return { ...groupText, id: { fromMe: true, _serialized: `true_${chatId}_OUT${this.sent.length}` }, body: text };
  }
  async logout() {}
  async destroy() {
    this.destroyed = true;
  }
}

function recorder() {
  const seen = { qr: [] as string[], ready: [] as Array<string | null>, messages: [] as InboundMessage[], failed: [] as string[], disconnected: [] as string[] };
  const h: TransportHandlers = {
    qr: (q) => seen.qr.push(q),
    ready: (i) => seen.ready.push(i.phone),
    message: (m) => seen.messages.push(m),
    failed: (r) => seen.failed.push(r),
    disconnected: (r) => seen.disconnected.push(r),
  };
  return { seen, h };
}

t.test('the adapter follows the client events', async (t) => {
  const client = new FakeClient();
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: '/tmp/x', chromiumPath: '/nope', dataDir: '/tmp/x', createClient: async () => client });
  const { seen, h } = recorder();
  await tr.start(h);
  client.emit('qr', 'QR-1');
  client.emit('authenticated');
  client.emit('ready');
  client.emit('message', groupText);
  client.emit('message', nativeOrder);
  client.emit('message_ack', groupText, 3);
  client.emit('change_state', 'CONNECTED');
  client.emit('group_join', { chatId: '120363041234567890@g.us' });
  await new Promise((r) => setTimeout(r, 10));
  t.same(seen.qr, ['QR-1']);
  t.same(seen.ready, ['+2348099999999']);
  t.same(seen.messages.map((m) => m.kind), ['text', 'order']);
  const fetched = await tr.fetchMessages('120363041234567890@g.us', 50);
  t.equal(fetched.length, 3, 'fetchMessages for reconciliation');
  const out = { outboxId: 'o', groupId: 'g', chatId: '120363041234567890@g.us', text: 'Order #7 received', recipient: '+1', inReplyTo: null };
  await tr.typing(out.chatId);
  const r = await tr.send(out);
  t.match(r.whatsappMessageId, /OUT1$/);
  t.equal(client.typing, 1, 'typing shown');
  const found = await tr.findSent(out, new Date(Date.now() - 5000));
  t.equal(found?.whatsappMessageId, 'true_x_SENT1', 'a send before a crash is found');
  t.equal(await tr.findSent({ ...out, text: 'other' }, new Date(Date.now() - 5000)), null);
  client.emit('disconnected', 'NAVIGATION');
  t.same(seen.disconnected, ['NAVIGATION']);
});

t.test('QR refresh limit: a pairing nobody scans gives up', async (t) => {
  const client = new FakeClient();
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: '/tmp/x', chromiumPath: '/nope', dataDir: '/tmp/x', qrLimit: 5, createClient: async () => client });
  const { seen, h } = recorder();
  await tr.start(h);
  for (let i = 1; i <= 9; i++) client.emit('qr', `QR-${i}`);
  t.equal(seen.qr.length, 5, 'five QR codes shown');
  t.same(seen.failed, ['QR not scanned'], 'then failed, once');
  t.ok(client.destroyed, 'client destroyed');
  client.emit('disconnected', 'Max qrcode retries reached');
  t.same(seen.disconnected, [], 'no restart loop after giving up');
});

t.test('auth failure fails the session', async (t) => {
  const client = new FakeClient();
  const tr = new WwebjsTransport({ sessionId: 's', sessionPath: '/tmp/x', chromiumPath: '/nope', dataDir: '/tmp/x', createClient: async () => client });
  const { seen, h } = recorder();
  await tr.start(h);
  client.emit('auth_failure', 'bad session');
  t.same(seen.failed, ['auth failure: bad session']);
});
