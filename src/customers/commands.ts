// Customer commands: the merchant's note on a buyer.
import { z } from 'zod';
import { uuid } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import type { CustomerEvent, CustomerState } from './customer.ts';

export const customerCommandSchemas = {
  SetCustomerNote: z.object({
    businessId: uuid,
    customerKey: z.string().min(1).max(200),
    // Line endings normalised, surrounding blanks dropped; plain text, rendered escaped.
    note: z.string().max(2000).transform((v) => v.replace(/\r\n?/g, '\n').trim()),
  }),
};

export type CustomerCommand = Command<'SetCustomerNote', z.output<typeof customerCommandSchemas.SetCustomerNote>>;

export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'SetCustomerNote': {
      const d = command.data;
      if (d.note === state.note) return [];
      return [{ type: 'CustomerNoteSet', data: { businessId: d.businessId, customerKey: d.customerKey, note: d.note } }];
    }
    default: {
      const never: never = command.type;
      return never;
    }
  }
}
