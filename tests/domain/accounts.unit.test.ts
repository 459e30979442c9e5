import t from 'tap';
import { accountCommandSchemas, decideAccount, type AccountCommand } from '../../src/accounts/commands.ts';
import { evolveUser, initialUserState, type UserEvent, type UserState } from '../../src/accounts/user.ts';
import type { NoviEventOf } from '../../src/events/catalog.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { Conflict, Forbidden, IllegalState, NotFound, ValidationError } from '../../src/shared/errors.ts';
import { given as givenWith } from './given-when-then.ts';

const given = (past: UserEvent[] = []) =>
  givenWith<AccountCommand, UserState, UserEvent>({ decide: decideAccount, evolve: evolveUser, initialState: initialUserState }, past);

const USER = '44444444-4444-4444-8444-444444444444';
const ADMIN = '55555555-5555-4555-8555-555555555555';
const metadata = { now: new Date('2026-01-05T10:00:00Z'), actor: ADMIN };

const registerInput = { userId: USER, username: 'mama_put', email: 'Mama@Example.com', usernameTaken: false, emailTaken: false };
const register = (overrides: Record<string, unknown> = {}): AccountCommand => ({
  type: 'RegisterUser',
  data: parseCommandData(accountCommandSchemas.RegisterUser, { ...registerInput, ...overrides }, 'registration'),
  metadata,
});
const registered: NoviEventOf<'UserRegistered'> = {
  type: 'UserRegistered',
  data: { userId: USER, username: 'mama_put', email: 'mama@example.com', phone: null, role: 'merchant' },
};
const deactivated: NoviEventOf<'UserDeactivated'> = { type: 'UserDeactivated', data: { userId: USER, by: ADMIN } };
const cmd = (type: 'DeactivateUser' | 'ReactivateUser', by = ADMIN): AccountCommand => ({ type, data: { userId: USER, by }, metadata });

t.test('RegisterUser registers an active merchant with a lower-cased email', async (t) => {
  t.same(given().when(register()).events, [registered]);
  const state = evolveUser(initialUserState(), registered);
  t.same(state, { kind: 'registered', userId: USER, username: 'mama_put', email: 'mama@example.com', role: 'merchant', active: true });
});

t.test('RegisterUser refuses taken names and emails, and a second registration', async (t) => {
  t.match(given().when(register({ usernameTaken: true })).error, { message: 'Username mama_put is taken', code: 'CONFLICT' });
  t.type(given().when(register({ emailTaken: true })).error, Conflict);
  t.type(given([registered]).when(register()).error, Conflict);
});

t.test('RegisterUser input is validated', async (t) => {
  t.throws(() => register({ username: 'a b' }), ValidationError);
  t.throws(() => register({ email: 'not-an-email' }), ValidationError);
  t.throws(() => register({ phone: '0803' }), ValidationError);
});

t.test('DeactivateUser and ReactivateUser toggle, never silently', async (t) => {
  t.same(given([registered]).when(cmd('DeactivateUser')).events, [deactivated]);
  t.match(given([registered, deactivated]).when(cmd('DeactivateUser')).error, { message: 'User mama_put is already deactivated' });
  t.type(given([registered]).when(cmd('ReactivateUser')).error, IllegalState);
  t.same(given([registered, deactivated]).when(cmd('ReactivateUser')).events, [{ type: 'UserReactivated', data: { userId: USER, by: ADMIN } }]);
  const state = [registered, deactivated].reduce(evolveUser, initialUserState());
  t.equal(state.kind === 'registered' && state.active, false);
});

t.test('nobody deactivates themselves; unknown users are not found', async (t) => {
  t.type(given([registered]).when(cmd('DeactivateUser', USER)).error, Forbidden);
  t.type(given().when(cmd('DeactivateUser')).error, NotFound);
});

t.test('GrantRole makes an admin once', async (t) => {
  const grant: AccountCommand = { type: 'GrantRole', data: { userId: USER, role: 'admin', by: ADMIN }, metadata };
  const granted = given([registered]).when(grant).events;
  t.same(granted, [{ type: 'UserRoleGranted', data: { userId: USER, role: 'admin', by: ADMIN } }]);
  t.type(given([registered, ...(granted ?? [])]).when(grant).error, IllegalState);
});
