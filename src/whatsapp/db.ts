// Row-type helpers shared by the WhatsApp session modules' SQL.
import { z } from 'zod';

/** slonik's preset parses timestamptz to epoch milliseconds. */
export const tsDate = z.number().transform((n) => new Date(n));
export const tsDateNullable = z.number().nullable().transform((n) => (n === null ? null : new Date(n)));
/** int8 / bigserial arrive as strings (the pool drops slonik's int8 parser). */
export const int8 = z.union([z.string(), z.number()]).transform((v) => BigInt(v));
export const noRows = z.object({});
