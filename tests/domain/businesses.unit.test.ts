import t from 'tap';
import { evolveBusiness, initialBusinessState, type BusinessEvent, type BusinessState } from '../../src/businesses/business.ts';
import { businessCommandSchemas, decideBusiness, decideGroup, groupCommandSchemas, type BusinessCommand, type GroupCommand } from '../../src/businesses/commands.ts';
import { evolveGroup, initialGroupState, type GroupEvent, type GroupState } from '../../src/businesses/group.ts';
import type { NoviEventOf } from '../../src/events/catalog.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { Conflict, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { given as givenWith } from './given-when-then.ts';

const givenBusiness = (past: BusinessEvent[] = []) =>
  givenWith<BusinessCommand, BusinessState, BusinessEvent>({ decide: decideBusiness, evolve: evolveBusiness, initialState: initialBusinessState }, past);
const givenGroup = (past: GroupEvent[] = []) =>
  givenWith<GroupCommand, GroupState, GroupEvent>({ decide: decideGroup, evolve: evolveGroup, initialState: initialGroupState }, past);

const BUSINESS = '22222222-2222-4222-8222-222222222222';
const OWNER = '44444444-4444-4444-8444-444444444444';
const STRANGER = '66666666-6666-4666-8666-666666666666';
const GROUP = '33333333-3333-4333-8333-333333333333';
const OTHER_GROUP = '77777777-7777-4777-8777-777777777777';
const metadata = { now: new Date('2026-01-05T10:00:00Z'), actor: OWNER };
const owner = { userId: OWNER, role: 'merchant' as const };
const stranger = { userId: STRANGER, role: 'merchant' as const };
const admin = { userId: STRANGER, role: 'admin' as const };

function bcmd<K extends keyof typeof businessCommandSchemas>(type: K, input: Record<string, unknown>): BusinessCommand {
  return { type, data: parseCommandData(businessCommandSchemas[type], input, type), metadata } as BusinessCommand;
}
function gcmd<K extends keyof typeof groupCommandSchemas>(type: K, input: Record<string, unknown>): GroupCommand {
  return { type, data: parseCommandData(groupCommandSchemas[type], input, type), metadata } as GroupCommand;
}

const registeredBusiness: NoviEventOf<'BusinessRegistered'> = {
  type: 'BusinessRegistered',
  data: { businessId: BUSINESS, ownerId: OWNER, name: 'Mama Put', description: null, address: null, phone: null, email: null, country: 'NG', currency: 'NGN' },
};

t.test('RegisterBusiness defaults the currency from the country', async (t) => {
  t.same(givenBusiness().when(bcmd('RegisterBusiness', { businessId: BUSINESS, ownerId: OWNER, name: ' Mama Put ', description: '', country: 'NG' })).events, [registeredBusiness]);
  const br = givenBusiness().when(bcmd('RegisterBusiness', { businessId: BUSINESS, ownerId: OWNER, name: 'Padaria', country: 'BR' })).events;
  t.match(br, [{ data: { currency: 'BRL' } }]);
  t.type(givenBusiness().when(bcmd('RegisterBusiness', { businessId: BUSINESS, ownerId: OWNER, name: 'X', country: 'ZZ' })).error, ValidationError);
  t.type(givenBusiness([registeredBusiness]).when(bcmd('RegisterBusiness', { businessId: BUSINESS, ownerId: OWNER, name: 'X', country: 'NG' })).error, Conflict);
  t.throws(() => bcmd('RegisterBusiness', { businessId: BUSINESS, ownerId: OWNER, name: 'X', country: 'ng' }), ValidationError);
});

t.test('UpdateBusiness merges fields and records the whole profile', async (t) => {
  const { events } = givenBusiness([registeredBusiness]).when(bcmd('UpdateBusiness', { businessId: BUSINESS, requestedBy: owner, phone: '+2348030000000', country: 'GH' }));
  t.same(events, [{ type: 'BusinessUpdated', data: { ...registeredBusiness.data, phone: '+2348030000000', country: 'GH', currency: 'GHS' } }]);
  t.same(givenBusiness([registeredBusiness]).when(bcmd('UpdateBusiness', { businessId: BUSINESS, requestedBy: owner, name: 'Mama Put' })).events, []);
  t.match(
    givenBusiness([registeredBusiness]).when(bcmd('UpdateBusiness', { businessId: BUSINESS, requestedBy: admin, name: 'Renamed' })).events,
    [{ data: { name: 'Renamed' } }],
    'an admin may update any business',
  );
});

t.test("another merchant's business is not found", async (t) => {
  t.type(givenBusiness([registeredBusiness]).when(bcmd('UpdateBusiness', { businessId: BUSINESS, requestedBy: stranger, name: 'Mine' })).error, NotFound);
  t.type(givenBusiness([registeredBusiness]).when(bcmd('SetCatalog', { businessId: BUSINESS, requestedBy: stranger, products: [] })).error, NotFound);
  t.type(givenBusiness().when(bcmd('SetCatalog', { businessId: BUSINESS, requestedBy: owner, products: [] })).error, NotFound);
});

t.test('SetCatalog replaces the catalog; skus are unique regardless of case; prices are not negative', async (t) => {
  const products = [
    { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
    { sku: 'CH', name: 'Chicken', price: 2500 },
  ];
  const { events } = givenBusiness([registeredBusiness]).when(bcmd('SetCatalog', { businessId: BUSINESS, requestedBy: owner, products }));
  t.same(events, [{ type: 'CatalogSet', data: { businessId: BUSINESS, products: [products[0], { ...products[1], aliases: [] }] } }]);
  const state = [registeredBusiness, ...(events ?? [])].reduce(evolveBusiness, initialBusinessState());
  t.equal(state.kind === 'registered' && state.catalog.length, 2);

  const dup = givenBusiness([registeredBusiness]).when(bcmd('SetCatalog', { businessId: BUSINESS, requestedBy: owner, products: [...products, { sku: 'jr', name: 'Jollof', price: 1 }] }));
  t.match(dup.error, { message: 'Duplicate sku in catalog: jr', httpStatus: 400 });
  t.throws(() => bcmd('SetCatalog', { businessId: BUSINESS, requestedBy: owner, products: [{ sku: 'A', name: 'A', price: -1 }] }), ValidationError);
});

t.test('SetReplyTemplates refuses two templates for one key and language', async (t) => {
  const templates = [{ language: 'en', key: 'confirmation', text: 'Thanks {name}! Order #{number}' }];
  t.equal(givenBusiness([registeredBusiness]).when(bcmd('SetReplyTemplates', { businessId: BUSINESS, requestedBy: owner, defaultLanguage: 'en', templates })).events?.length, 1);
  t.type(
    givenBusiness([registeredBusiness]).when(bcmd('SetReplyTemplates', { businessId: BUSINESS, requestedBy: owner, defaultLanguage: null, templates: [...templates, ...templates] })).error,
    ValidationError,
  );
});

const link = (overrides: Record<string, unknown> = {}) =>
  gcmd('LinkGroup', { groupId: GROUP, businessId: BUSINESS, requestedBy: owner, businessOwnerId: OWNER, whatsappIdLinkedTo: null, name: 'Sales', groupType: 'sales', whatsappId: '120363@g.us', ...overrides });
const linked: NoviEventOf<'GroupLinked'> = {
  type: 'GroupLinked',
  data: { groupId: GROUP, businessId: BUSINESS, name: 'Sales', description: null, groupType: 'sales', whatsappId: '120363@g.us' },
};

t.test('LinkGroup', async (t) => {
  t.same(givenGroup().when(link()).events, [linked]);
  t.type(givenGroup([linked]).when(link()).error, Conflict, 'twice');
  t.type(givenGroup().when(link({ whatsappIdLinkedTo: OTHER_GROUP })).error, Conflict, 'a chat belongs to one group');
  t.type(givenGroup().when(link({ businessOwnerId: null })).error, NotFound, 'unknown business');
  t.type(givenGroup().when(link({ requestedBy: stranger })).error, NotFound, "someone else's business");
  t.throws(() => link({ groupType: 'kitchen' }), ValidationError);
});

t.test('UpdateGroup', async (t) => {
  const upd = (overrides: Record<string, unknown>) =>
    gcmd('UpdateGroup', { groupId: GROUP, businessId: BUSINESS, requestedBy: owner, businessOwnerId: OWNER, whatsappIdLinkedTo: GROUP, ...overrides });
  t.same(givenGroup([linked]).when(upd({ groupType: 'delivery' })).events, [{ type: 'GroupUpdated', data: { ...linked.data, groupType: 'delivery' } }]);
  t.same(givenGroup([linked]).when(upd({ name: 'Sales' })).events, []);
  t.type(givenGroup().when(upd({ name: 'x' })).error, NotFound);
  t.type(givenGroup([linked]).when(upd({ whatsappId: '999@g.us', whatsappIdLinkedTo: OTHER_GROUP })).error, Conflict);
  t.type(givenGroup([linked]).when(upd({ businessId: '99999999-9999-4999-8999-999999999999', businessOwnerId: OWNER })).error, NotFound);
});

t.test('UnlinkGroup: once, by its owner; an unlinked group cannot be changed', async (t) => {
  const linked = givenGroup().when(link()).events![0] as GroupEvent;
  const unlink = (overrides: Record<string, unknown> = {}) =>
    gcmd('UnlinkGroup', { groupId: GROUP, businessId: BUSINESS, requestedBy: owner, businessOwnerId: OWNER, ...overrides });
  t.same(givenGroup([linked]).when(unlink()).events, [{ type: 'GroupUnlinked', data: { groupId: GROUP, businessId: BUSINESS, by: OWNER } }]);
  t.type(givenGroup([linked]).when(unlink({ requestedBy: stranger })).error, NotFound, "someone else's group");
  t.type(givenGroup().when(unlink()).error, NotFound, 'no such group');
  const unlinked: GroupEvent = { type: 'GroupUnlinked', data: { groupId: GROUP, businessId: BUSINESS, by: OWNER } };
  t.type(givenGroup([linked, unlinked]).when(unlink()).error, NotFound, 'unlinking twice');
  const rename = gcmd('UpdateGroup', { groupId: GROUP, businessId: BUSINESS, requestedBy: owner, businessOwnerId: OWNER, whatsappIdLinkedTo: null, name: 'Back' });
  t.type(givenGroup([linked, unlinked]).when(rename).error, NotFound, 'an unlinked group is not renamed');
});

t.test('SetNotificationSettings: recorded when they change, refused to a stranger', async (t) => {
  const set = (by = owner, on = true) => bcmd('SetNotificationSettings', { businessId: BUSINESS, requestedBy: by, deliverySummary: on, adminAlerts: false, reviewQuestion: on });
  const first = givenBusiness([registeredBusiness]).when(set()).events!;
  t.same(first, [{ type: 'NotificationSettingsSet', data: { businessId: BUSINESS, deliverySummary: true, adminAlerts: false, reviewQuestion: true } }]);
  t.same(givenBusiness([registeredBusiness, ...first]).when(set()).events, [], 'no change, no event');
  t.type(givenBusiness([registeredBusiness]).when(set(stranger)).error, NotFound);
});
