// Aggregate streams without bound (issue 17 §4): the catalog's size and save rate are limited, and
// a command or the intake folds only the tail of a business stream it has seen before.
import t from 'tap';
import type { RecordedEvent, ReadStreamOptions } from '../../src/eventstore/types.ts';
import { businessStreamId } from '../../src/businesses/business.ts';
import { EVENT_SCHEMA_VERSION } from '../../src/events/catalog.ts';
import { Lookups } from '../../src/reactors/intake.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;
const m = await register(app, 'catalogue');
const newBusiness = async (name: string) => (await api(app, m, 'POST', '/business', { name, country: 'NG' })).json().business.id as string;

const product = (i: number, extra: Partial<{ name: string; aliases: string[] }> = {}) => ({ sku: `P${i}`, name: extra.name ?? `Product ${i}`, price: 100 + i, aliases: extra.aliases ?? [] });

t.test('catalog size: products, alias count, lengths and total bytes are bounded with a 400 naming products', async (t) => {
  const businessId = await newBusiness('Big Catalog');
  const url = `/business/${businessId}/catalog`;
  const tooMany = await api(app, m, 'PUT', url, { products: Array.from({ length: 2001 }, (_, i) => product(i)) });
  t.equal(tooMany.statusCode, 400, '2001 products');
  t.match(tooMany.json(), { code: 'VALIDATION_ERROR', message: /products.*2000/ });
  const aliases = await api(app, m, 'PUT', url, { products: [product(1, { aliases: Array.from({ length: 21 }, (_, i) => `alias ${i}`) })] });
  t.equal(aliases.statusCode, 400, '21 aliases on one product');
  t.match(aliases.json(), { message: /products\.0\.aliases/ });
  const longAlias = await api(app, m, 'PUT', url, { products: [product(1, { aliases: ['x'.repeat(101)] })] });
  t.equal(longAlias.statusCode, 400, 'an alias of 101 characters');
  // 1500 products of 190-character names and 5 aliases of 90: about 1.1 MB, each field within its own bound.
  const heavy = Array.from({ length: 1500 }, (_, i) => product(i, { name: `${i} ${'n'.repeat(185)}`, aliases: Array.from({ length: 5 }, (_, j) => `${i}-${j} ${'a'.repeat(80)}`) }));
  const bytes = await api(app, m, 'PUT', url, { products: heavy });
  t.equal(bytes.statusCode, 400, 'a catalog over the total size');
  t.match(bytes.json(), { message: /products.*256 KB/ });
  const fine = await api(app, m, 'PUT', url, { products: Array.from({ length: 300 }, (_, i) => product(i, { aliases: [`p${i}`] })) });
  t.equal(fine.statusCode, 200, 'a catalog of 300 products is fine');
  t.equal(fine.json().products.length, 300);
});

t.test('catalog save rate: more than 10 saves a minute per business is a 429, other businesses unaffected', async (t) => {
  const a = await newBusiness('Busy Saver');
  const b = await newBusiness('Calm Saver');
  const codes: number[] = [];
  for (let i = 0; i < 11; i++) codes.push((await api(app, m, 'PUT', `/business/${a}/catalog`, { products: [product(i)] })).statusCode);
  t.same(codes.slice(0, 10), Array(10).fill(200), 'ten saves go through');
  t.equal(codes[10], 429, 'the eleventh within the minute is refused');
  const again = await api(app, m, 'PUT', `/business/${a}/catalog`, { products: [product(99)] });
  t.match(again.json(), { error: true, code: 'RATE_LIMITED', message: /catalog.*minute/ });
  t.equal((await api(app, m, 'GET', `/business/${a}/catalog`)).json().products[0].sku, 'P9', 'the refused saves changed nothing');
  t.equal((await api(app, m, 'PUT', `/business/${b}/catalog`, { products: [product(1)] })).statusCode, 200, 'another business saves freely');
  const stranger = await register(app, 'stranger');
  t.equal((await api(app, stranger, 'PUT', `/business/${b}/catalog`, { products: [] })).statusCode, 404, "a stranger's attempts are 404 and do not use up the owner's saves");
});

t.test('a command and the intake fold only the tail of a business stream they have read before', async (t) => {
  const businessId = await newBusiness('Long History');
  const streamId = businessStreamId(businessId);
  // A long history: 60 catalog saves of ~100 KB each (6 MB), appended as earlier saves would have been.
  const catalog = Array.from({ length: 500 }, (_, i) => product(i, { name: `Product ${i} ${'x'.repeat(150)}` }));
  for (let i = 0; i < 60; i++) {
    await rt.store.append(streamId, [
      { id: newId(), type: 'CatalogSet', data: { businessId, products: catalog }, metadata: { tenantId: businessId, actor: m.id, correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: EVENT_SCHEMA_VERSION.CatalogSet } },
    ]);
  }
  const reads: Array<{ events: number; from: string }> = [];
  const original = rt.store.readStream.bind(rt.store);
  rt.store.readStream = async (id: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> => {
    const events = await original(id, options);
    if (id === streamId) reads.push({ events: events.length, from: String(options?.fromRevision ?? 'start') });
    return events;
  };
  t.teardown(() => {
    rt.store.readStream = original;
  });

  const first = await api(app, m, 'PUT', `/business/${businessId}`, { description: 'first' });
  t.equal(first.statusCode, 200, first.body);
  const second = await api(app, m, 'PUT', `/business/${businessId}`, { description: 'second' });
  t.equal(second.statusCode, 200);
  t.equal(second.json().business.description, 'second');
  const commandReads = reads.splice(0);
  t.ok(commandReads.length >= 2, `the stream was read by each command (${JSON.stringify(commandReads)})`);
  t.ok(commandReads[0]!.events >= 60, 'the first command reads the 60 saves appended from outside this process');
  t.ok(commandReads[1]!.events <= 1, `the second reads only what was appended since (${JSON.stringify(commandReads[1])})`);

  // The intake reactor's lookups (a fresh set per batch) share the cache as well.
  const state1 = await new Lookups(rt.store).business(businessId);
  const state2 = await new Lookups(rt.store).business(businessId);
  t.equal(state1.kind, 'registered');
  t.same(state2, state1, 'the same state either way');
  const intakeReads = reads.splice(0);
  t.ok(intakeReads.every((r) => r.events <= 1), `intake batches read only the tail (${JSON.stringify(intakeReads)})`);

  // A save appended by someone else (another process) is still seen: the tail read picks it up.
  await rt.store.append(streamId, [
    { id: newId(), type: 'CatalogSet', data: { businessId, products: [product(7)] }, metadata: { tenantId: businessId, actor: m.id, correlationId: newId(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: EVENT_SCHEMA_VERSION.CatalogSet } },
  ]);
  const state3 = await new Lookups(rt.store).business(businessId);
  t.same(state3.kind === 'registered' ? state3.catalog.map((p) => p.sku) : [], ['P7'], 'a later event from elsewhere is folded in');
  const third = await api(app, m, 'PUT', `/business/${businessId}`, { description: 'third' });
  t.equal(third.statusCode, 200, 'a command after an outside append still succeeds (no stale revision)');
});
