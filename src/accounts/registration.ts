// Registering an account, shared by web sign-up (merchants) and `novi admin create` (admins):
// the name and email are reserved in account_names (unique indexes) before UserRegistered is
// appended, so two registrations racing for a name cannot both win; passwords are argon2id.
import { hash } from '@node-rs/argon2';
import { sql, UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Runtime } from '../runtime.ts';
import type { UserRole } from '../events/catalog.ts';
import { handleCommand, parseCommandData } from '../shared/command-handler.ts';
import { Conflict } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { accountCommandSchemas, decideAccount } from './commands.ts';
import { evolveUser, initialUserState, userStreamId } from './user.ts';

// argon2id with the OWASP minimum parameters (19 MiB, 2 passes).
export const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON);

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
 * Validates (400), reserves the name and email (409 when taken), hashes and appends
 * UserRegistered. `actor` defaults to the new user (self sign-up); the CLI passes `system`.
 */
export async function registerAccount(
  rt: Runtime,
  input: RegistrationInput,
  context: { correlationId: string; actor?: string },
): Promise<RegisteredAccount> {
  const userId = newId();
  const data = parseCommandData(
    accountCommandSchemas.RegisterUser,
    { userId, username: input.username, email: input.email, phone: input.phone ?? null, role: input.role ?? 'merchant', passwordHash: 'pending', usernameTaken: false, emailTaken: false },
    'registration',
  );
  try {
    await rt.pool.query(sql.unsafe`insert into account_names (user_id, username, email) values (${userId}, ${data.username}, ${data.email})`);
  } catch (e) {
    if (!(e instanceof UniqueIntegrityConstraintViolationError)) throw e;
    const emailTaken = await rt.pool.exists(sql.unsafe`select 1 from account_names where lower(email) = lower(${data.email})`);
    throw new Conflict(emailTaken ? `An account with ${data.email} already exists` : `Username ${data.username} is taken`);
  }
  const passwordHash = await hashPassword(input.password);
  const actor = context.actor ?? userId;
  try {
    await handleCommand({
      store: rt.store,
      streamId: userStreamId(userId),
      evolve: evolveUser,
      initialState: initialUserState,
      decide: decideAccount,
      command: { type: 'RegisterUser', data: { ...data, passwordHash }, metadata: { now: new Date(), actor } },
      metadata: { tenantId: null, actor, correlationId: context.correlationId, causationId: null, occurredAt: new Date().toISOString() },
      expectedRevision: 'no_stream',
    });
  } catch (e) {
    await rt.pool.query(sql.unsafe`delete from account_names where user_id = ${userId}`);
    throw e;
  }
  return { userId, username: data.username, email: data.email, phone: data.phone, role: data.role };
}
