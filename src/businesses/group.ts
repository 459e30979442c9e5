// Group stream (`group-<id>`): a merchant's WhatsApp group and its role, and how events fold into it.
import type { NoviEventData, NoviEventOf } from '../events/catalog.ts';

export type GroupEvent = NoviEventOf<'GroupLinked' | 'GroupUpdated' | 'GroupUnlinked'>;

export const groupStreamId = (groupId: string): string => `group-${groupId}`;

/** `unlinked`: the merchant removed the group; its history stays, nothing new is taken from it. */
export type GroupState = { kind: 'none' } | ({ kind: 'linked' } & NoviEventData<'GroupLinked'>) | ({ kind: 'unlinked' } & NoviEventData<'GroupLinked'>);

export const initialGroupState = (): GroupState => ({ kind: 'none' });

export function evolveGroup(state: GroupState, event: GroupEvent): GroupState {
  switch (event.type) {
    case 'GroupLinked':
      return { kind: 'linked', ...event.data };
    case 'GroupUpdated':
      return state.kind === 'linked' ? { kind: 'linked', ...event.data } : state;
    case 'GroupUnlinked':
      return state.kind === 'linked' ? { ...state, kind: 'unlinked' } : state;
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}
