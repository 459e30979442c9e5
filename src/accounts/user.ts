// User stream (`user-<id>`): its events, its state and how events fold into it.
import type { NoviEventOf, UserRole } from '../events/catalog.ts';

export type UserEvent = NoviEventOf<'UserRegistered' | 'UserDeactivated' | 'UserReactivated' | 'UserRoleGranted' | 'UserLanguageSet'>;

export const userStreamId = (userId: string): string => `user-${userId}`;

export type UserState =
  | { kind: 'none' }
  | { kind: 'registered'; userId: string; username: string; email: string; role: UserRole; active: boolean };

export const initialUserState = (): UserState => ({ kind: 'none' });

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, username, email, role } = event.data;
      return { kind: 'registered', userId, username, email, role, active: true };
    }
    case 'UserDeactivated':
      return state.kind === 'registered' ? { ...state, active: false } : state;
    case 'UserReactivated':
      return state.kind === 'registered' ? { ...state, active: true } : state;
    case 'UserRoleGranted':
      return state.kind === 'registered' ? { ...state, role: event.data.role } : state;
    case 'UserLanguageSet':
      return state;
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}
