// Registering an account, shared by web sign-up (merchants) and `novi admin create` (admins):
// the name and email are reserved in account_names (unique indexes) before UserRegistered is
// appended, so two registrations racing for a name cannot both win; passwords are argon2id,
// kept in the credentials table (never in the event).
import { sql, UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Runtime } from '../runtime.ts';
import type { UserRole } from '../events/catalog.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { Conflict } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { accountCommandSchemas, decideAccount } from './commands.ts';
import { deleteCredential, hashPassword, saveCredential } from './credentials.ts';
import { evolveUser, initialUserState, userStreamId } from './user.ts';

export { ARGON, hashPassword } from './credentials.ts';

export interface RegistrationInput {
  username: string;
  email: string;
  /** Plain text: checked for length by the caller's schema, hashed here, never stored. */
  password: string;
  phone?: string | null | undefined;
  role?: UserRole;
}

export interface RegisteredAccount {
  userId: string;
  username: string;
  email: string;
  phone: string | null;
  role: UserRole;
}

/**
 * Validates (400), reserves the name and email (409 when taken), hashes the password into the
 * credentials table and appends UserRegistered. The credential is written before the append and
 * deleted with the reservation when the append fails, so an account never exists without its
 * credential; a crash between the two leaves a credential and a reservation for a user id with
 * no stream, which sign-in treats as no account (and nothing reads otherwise).
 * `actor` defaults to the new user (self sign-up); the CLI passes `system`.
 */
export async function registerAccount(
  rt: Runtime,
  input: RegistrationInput,
  context: { correlationId: string; actor?: string },
): Promise<RegisteredAccount> {
  const userId = newId();
  const data = parseCommandData(
    accountCommandSchemas.RegisterUser,
    { userId, username: input.username, email: input.email, phone: input.phone ?? null, role: input.role ?? 'merchant', usernameTaken: false, emailTaken: false },
    'registration',
  );
  try {
    await rt.pool.query(sql.unsafe`insert into account_names (user_id, username, email) values (${userId}, ${data.username}, ${data.email})`);
  } catch (e) {
    if (!(e instanceof UniqueIntegrityConstraintViolationError)) throw e;
    const emailTaken = await rt.pool.exists(sql.unsafe`select 1 from account_names where lower(email) = lower(${data.email})`);
    throw new Conflict(emailTaken ? `An account with ${data.email} already exists` : `Username ${data.username} is taken`);
  }
  const actor = context.actor ?? userId;
  try {
    await saveCredential(rt, userId, await hashPassword(input.password));
    await handleCommand({
      store: rt.store,
      streamId: userStreamId(userId),
      evolve: evolveUser,
      initialState: initialUserState,
      decide: decideAccount,
      command: { type: 'RegisterUser', data, metadata: { now: new Date(), actor } },
      metadata: { tenantId: null, actor, correlationId: context.correlationId, causationId: null, occurredAt: new Date().toISOString() },
      expectedRevision: 'no_stream',
    });
  } catch (e) {
    await deleteCredential(rt, userId);
    await rt.pool.query(sql.unsafe`delete from account_names where user_id = ${userId}`);
    throw e;
  }
  return { userId, username: data.username, email: data.email, phone: data.phone, role: data.role };
}
