// Messages in over the simulator: linked groups only, once each, two tenants side by side.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSupervisor } from '../../src/whatsapp/supervisor.ts';
import { getSession, postSimulatorMessage, startSession, stopSession } from '../../src/whatsapp/control.ts';
import { deliverToSimulator } from '../../src/whatsapp/transports/simulator.ts';
import { FAST, received, seedBusiness, sessionReady, testRuntime, waitFor } from './helpers.ts';
import { directChatGroupId } from '../../src/shared/ids.ts';

const { rt, done } = await testRuntime();
const a = await seedBusiness(rt);
const b = await seedBusiness(rt, { country: 'BR', currency: 'BRL', whatsappId: '120363011111111111@g.us' });

t.teardown(async () => {

  await done();
});

t.test('the simulator needs a running simulator session', async (t) => {
  await t.rejects(postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Bisi', phone: '+2348035550101' }, text: 'hi' }), {
    code: 'ILLEGAL_STATE',
  });
});

t.test('messages of linked groups are recorded once; others never', async (t) => {
  const sup = await startSupervisor(rt, FAST);
  t.teardown(() => sup.stop());
  const sa = await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u1' });
  const sb = await startSession(rt, { businessId: b.businessId, transport: 'simulator', actor: 'u2' });
  t.equal(sa.state, 'STARTING');
  t.same(await startSession(rt, { businessId: a.businessId, transport: 'simulator', actor: 'u1' }).then((s) => s.id), sa.id, 'one session per business');
  await t.rejects(startSession(rt, { businessId: a.businessId, transport: 'whatsapp', actor: 'u1' }), { code: 'CONFLICT' });
  await sessionReady(rt, sa.id);
  await sessionReady(rt, sb.id);

  const m1 = await postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Bisi Adeyemi', phone: '+2348035550101' }, text: '2 jollof rice', id: 'MSG-A-1' });
  await postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Bisi Adeyemi', phone: '+2348035550101' }, text: '2 jollof rice', id: 'MSG-A-1' });
  await postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Tunde', phone: '+2348031234567' }, text: '1 chapman' });
  await postSimulatorMessage(rt, { groupId: b.groupId, from: { name: 'Ana', phone: '+5511987654321' }, text: 'quero 2 coxinhas' });
  // A group nobody linked and a private chat reach the session too: the group is never stored, the
  // private chat is, in that customer's direct chat (direct orders are on by default, issue 14).
  await deliverToSimulator(rt.pool, { businessId: a.businessId, chatId: '120363099999999999@g.us', fromId: '2348030000000@c.us', fromName: 'X', text: 'spam' });
  await deliverToSimulator(rt.pool, { businessId: a.businessId, chatId: '2348035550101@c.us', fromId: '2348035550101@c.us', fromName: 'Bisi', text: 'private' });
  await postSimulatorMessage(rt, { groupId: a.groupId, from: { name: 'Bisi Adeyemi', phone: '+2348035550101' }, text: 'last' });

  const evA = await waitFor('3 messages in A', async () => {
    const ev = await received(rt, a.groupId);
    return ev.length >= 3 ? ev : null;
  });
  const evB = await waitFor('1 message in B', async () => {
    const ev = await received(rt, b.groupId);
    return ev.length >= 1 ? ev : null;
  });
  await new Promise((r) => setTimeout(r, 500));
  t.equal((await received(rt, a.groupId)).length, 3, 'A: three distinct messages, the duplicate stored once');
  t.equal((await received(rt, b.groupId)).length, 1);
  const first = evA[0]!.data as { messageId: string; sender: { phone: string; name: string }; businessId: string; chatId: string };
  t.equal(first.messageId, m1.messageId);
  t.equal(first.sender.phone, '+2348035550101', 'phone from the WhatsApp id');
  t.equal(first.businessId, a.businessId);
  t.equal(evA[0]!.metadata.tenantId, a.businessId);
  const dataB = evB[0]!.data as { businessId: string; chatId: string; sender: { phone: string } };
  t.equal(dataB.businessId, b.businessId);
  t.equal(dataB.chatId, '120363011111111111@g.us');
  t.equal(dataB.sender.phone, '+5511987654321');
  const all = await rt.store.readAll({ filter: { eventTypes: ['MessageReceived'] } });
  t.equal(all.length, 5, 'nothing from the unlinked group');
  t.notOk(all.some((e) => /spam/.test((e.data as { text: string }).text)));
  t.match((await received(rt, directChatGroupId(a.businessId, '2348035550101@c.us'))).map((e) => e.data), [{ text: 'private', chatId: '2348035550101@c.us' }], 'the private chat in its own stream');

  const st = await getSession(rt, a.businessId);
  t.equal(st?.id, sa.id);
  t.equal(st?.transport, 'simulator');

  await stopSession(rt, { businessId: a.businessId, actor: 'u1' });
  t.equal((await getSession(rt, a.businessId))?.state, 'STOPPED');
  await waitFor('child of A stopped', async () => !sup.status().some((s) => s.sessionId === sa.id));
  t.ok(sup.status().some((s) => s.sessionId === sb.id), 'B keeps running');
  const stopped = (await rt.store.readStream(`session-${sa.id}`)).filter((e) => e.type === 'SessionStopped');
  t.equal(stopped.length, 1);
  const lease = await rt.pool.maybeOne(sql.type(z.object({ owner: z.string() }))`select owner from whatsapp_session_leases where session_id = ${sa.id}`);
  t.equal(lease, null, 'lease released');
});

t.test('simulator refused when turned off', async (t) => {
  const off = await testRuntime({ NOVI_SIMULATOR: 'off' });
  t.teardown(off.done);
  const x = await seedBusiness(off.rt);
  await t.rejects(startSession(off.rt, { businessId: x.businessId, transport: 'simulator', actor: 'u' }), { code: 'FORBIDDEN' });
});
