import t from 'tap';
import { EVENT_SCHEMA_VERSION, NOVI_EVENT_TYPES, eventSchemas, makeMetadata, validateEvent } from '../../src/events/catalog.ts';
import { Conflict, IllegalStatusTransition, NotFound, StaleWrite, ValidationError, toProblem } from '../../src/shared/errors.ts';
import { isUuid, messageReceivedEventId, newId, uuidFromName } from '../../src/shared/ids.ts';

const BUSINESS = '22222222-2222-4222-8222-222222222222';

t.test('every catalogued event has a schema version', async (t) => {
  t.same(Object.keys(EVENT_SCHEMA_VERSION).sort(), Object.keys(eventSchemas).sort());
  for (const core of ['MessageReceived', 'OrderParsed', 'OrderPlaced', 'OrderUpdated', 'StatusChanged', 'MessageSent', 'MessageIgnored', 'SessionStarted', 'QrIssued', 'SessionReady', 'SessionDisconnected', 'UserRegistered', 'UserDeactivated', 'UserReactivated', 'BusinessRegistered', 'BusinessUpdated', 'CatalogSet', 'GroupLinked', 'GroupUpdated']) {
    t.ok(NOVI_EVENT_TYPES.includes(core as never), core);
  }
});

t.test('validateEvent types a good event and explains a broken one', async (t) => {
  const good = validateEvent('CatalogSet', { businessId: BUSINESS, products: [{ sku: 'JR', name: 'Jollof', price: 2500, aliases: [] }] });
  t.ok(good.ok);
  if (good.ok && good.event.type === 'CatalogSet') t.equal(good.event.data.products[0]?.price, 2500);

  const bad = validateEvent('CatalogSet', { businessId: 'nope', products: [{ sku: 'JR', name: 'Jollof', price: -1, aliases: [] }] });
  t.notOk(bad.ok);
  if (!bad.ok) {
    t.match(bad.error, /businessId: Invalid uuid/);
    t.match(bad.error, /products\.0\.price/);
  }
  t.same(validateEvent('NoSuchEvent', {}), { ok: false, error: 'unknown event type "NoSuchEvent"' });
  t.match(validateEvent('CatalogSet', {}, 2), { ok: false, error: /newer than this code knows/ });
});

t.test('makeMetadata stamps time and version', async (t) => {
  t.same(makeMetadata({ tenantId: BUSINESS, actor: 'bot', correlationId: 'c-1', now: new Date('2026-01-05T10:00:00Z'), type: 'OrderPlaced' }), {
    tenantId: BUSINESS,
    actor: 'bot',
    correlationId: 'c-1',
    causationId: null,
    occurredAt: '2026-01-05T10:00:00.000Z',
    schemaVersion: 1,
  });
});

t.test('uuidFromName is RFC 4122 v5', async (t) => {
  // Known vector: uuid5(NAMESPACE_DNS, "python.org") from Python's uuid module docs.
  t.equal(uuidFromName('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  t.equal(messageReceivedEventId(BUSINESS, 'false_1@g.us_A'), messageReceivedEventId(BUSINESS, 'false_1@g.us_A'));
  t.not(messageReceivedEventId(BUSINESS, 'false_1@g.us_A'), messageReceivedEventId(BUSINESS, 'false_1@g.us_B'));
  t.ok(isUuid(newId()));
  t.throws(() => uuidFromName('not-a-uuid', 'x'), TypeError);
});

t.test('errors map to the HTTP problem shape', async (t) => {
  t.same(toProblem(new ValidationError('bad')), { status: 400, body: { error: true, message: 'bad', code: 'VALIDATION_ERROR' } });
  t.equal(toProblem(new NotFound('x')).status, 404);
  t.equal(toProblem(new Conflict('x')).status, 409);
  t.same(toProblem(new IllegalStatusTransition('delivered', 'pending', 'no')).body.code, 'ILLEGAL_STATUS_TRANSITION');
  t.equal(toProblem(new StaleWrite('order-1', '3', 4n)).status, 412);
  t.same(toProblem(new Error('select * from secrets')), { status: 500, body: { error: true, message: 'Internal server error', code: 'INTERNAL_ERROR' } });
});
