// Account commands: their zod schemas and the pure decide over the user stream's state.
import { z } from 'zod';
import { e164, language, userRole, uuid, type NoviEventOf } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import { Conflict, Forbidden, IllegalState, NotFound, ValidationError } from '../shared/errors.ts';
import type { UserEvent, UserState } from './user.ts';

export const accountCommandSchemas = {
  RegisterUser: z.object({
    userId: uuid,
    username: z
      .string()
      .trim()
      .min(3)
      .max(50)
      .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits, dot, dash and underscore'),
    email: z.string().trim().toLowerCase().email(),
    phone: e164.nullable().default(null),
    role: userRole.default('merchant'),
    // No password and no hash: the credentials table holds it (src/accounts/credentials.ts),
    // the event log never does.
    /**
     * Looked up by the caller before deciding. A read-model check leaves a small race
     * between two registrations with the same name; the users projection's unique index
     * is the final guard.
     */
    usernameTaken: z.boolean(),
    emailTaken: z.boolean(),
  }),
  DeactivateUser: z.object({ userId: uuid, by: z.string().min(1) }),
  ReactivateUser: z.object({ userId: uuid, by: z.string().min(1) }),
  GrantRole: z.object({ userId: uuid, role: userRole, by: z.string().min(1) }),
  SetLanguage: z.object({ userId: uuid, language }),
} as const;

type Data<K extends keyof typeof accountCommandSchemas> = z.output<(typeof accountCommandSchemas)[K]>;
export type RegisterUser = Command<'RegisterUser', Data<'RegisterUser'>>;
export type DeactivateUser = Command<'DeactivateUser', Data<'DeactivateUser'>>;
export type ReactivateUser = Command<'ReactivateUser', Data<'ReactivateUser'>>;
export type GrantRole = Command<'GrantRole', Data<'GrantRole'>>;
export type SetLanguage = Command<'SetLanguage', Data<'SetLanguage'>>;
export type AccountCommand = RegisterUser | DeactivateUser | ReactivateUser | GrantRole | SetLanguage;

type Registered = Extract<UserState, { kind: 'registered' }>;

function registered(state: UserState, userId: string): Registered {
  if (state.kind !== 'registered' || state.userId !== userId) throw new NotFound(`User ${userId} not found`);
  return state;
}

export function decideAccount(command: AccountCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return registerUser(command, state);
    case 'DeactivateUser': {
      const user = registered(state, command.data.userId);
      // Deactivating yourself would lock the last admin out with no one to undo it.
      if (command.data.by === user.userId) throw new Forbidden('You cannot deactivate your own account');
      if (!user.active) throw new IllegalState(`User ${user.username} is already deactivated`);
      return [{ type: 'UserDeactivated', data: { userId: user.userId, by: command.data.by } }];
    }
    case 'ReactivateUser': {
      const user = registered(state, command.data.userId);
      if (user.active) throw new IllegalState(`User ${user.username} is already active`);
      return [{ type: 'UserReactivated', data: { userId: user.userId, by: command.data.by } }];
    }
    case 'GrantRole': {
      const user = registered(state, command.data.userId);
      if (user.role === command.data.role) throw new IllegalState(`User ${user.username} is already ${command.data.role}`);
      return [{ type: 'UserRoleGranted', data: { userId: user.userId, role: command.data.role, by: command.data.by } }];
    }
    case 'SetLanguage': {
      const user = registered(state, command.data.userId);
      return [{ type: 'UserLanguageSet', data: { userId: user.userId, language: command.data.language } }];
    }
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown account command ${(unhandled as { type: string }).type}`);
    }
  }
}

function registerUser({ data }: RegisterUser, state: UserState): NoviEventOf<'UserRegistered'>[] {
  if (state.kind !== 'none') throw new Conflict(`User ${data.userId} already exists`);
  if (data.usernameTaken) throw new Conflict(`Username ${data.username} is taken`);
  if (data.emailTaken) throw new Conflict(`An account with ${data.email} already exists`);
  const { userId, username, email, phone, role } = data;
  return [{ type: 'UserRegistered', data: { userId, username, email, phone, role } }];
}
