// Group stream (`group-<id>`): a merchant's WhatsApp group and its role, and how events fold into it.
import type { NoviEventData, NoviEventOf } from '../events/catalog.ts';

export type GroupEvent = NoviEventOf<'GroupLinked' | 'GroupUpdated'>;

export const groupStreamId = (groupId: string): string => `group-${groupId}`;

export type GroupState = { kind: 'none' } | ({ kind: 'linked' } & NoviEventData<'GroupLinked'>);

export const initialGroupState = (): GroupState => ({ kind: 'none' });

export function evolveGroup(state: GroupState, event: GroupEvent): GroupState {
  switch (event.type) {
    case 'GroupLinked':
      return { kind: 'linked', ...event.data };
    case 'GroupUpdated':
      return state.kind === 'linked' ? { kind: 'linked', ...event.data } : state;
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}
