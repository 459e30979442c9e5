// A customer of a business as the write side sees it: the merchant's note, on its own stream.
// (Order figures of a customer are a read model, projections/customers.ts; they need no stream.)
import type { NoviEventOf } from '../events/catalog.ts';
import { uuidFromName } from '../shared/ids.ts';

export type CustomerEvent = NoviEventOf<'CustomerNoteSet'>;
export interface CustomerState { note: string }

export const initialCustomerState = (): CustomerState => ({ note: '' });

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerNoteSet':
      return { ...state, note: event.data.note };
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

const CUSTOMER_NS = 'd4e6f8a0-3c5b-4d7e-8f9a-2b4c6d8e0f1a';

/** Keys are phones or names: the stream id is a uuid derived from the business and the key. */
export const customerStreamId = (businessId: string, customerKey: string): string =>
  `customer-${uuidFromName(CUSTOMER_NS, `${businessId}:${customerKey}`)}`;

/** The uuid of that stream: how the log names a customer without their phone or name (CustomerErased). */
export const customerRef = (businessId: string, customerKey: string): string => customerStreamId(businessId, customerKey).slice('customer-'.length);
