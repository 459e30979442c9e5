// `novi erase-customer --business <id> --customer <key> --yes`: erases one customer's personal data
// from a business (src/customers/erasure.ts), for an operator on the server. The customer key is
// the one the customers page shows: the E.164 phone, or `name:<lower-cased name>`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { newId } from '../shared/ids.ts';
import { DomainError } from '../shared/errors.ts';

const args = z.object({
  business: z.string().uuid('--business must be the business id (a uuid)'),
  customer: z.string().min(1, '--customer is required').max(200, '--customer is at most 200 characters'),
  yes: z.literal(true, { errorMap: () => ({ message: 'add --yes to confirm: the customer\'s personal data cannot be brought back' }) }),
  actor: z.string().min(1).max(200).default('system'),
});

export async function runEraseCustomer(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { business: { type: 'string' }, customer: { type: 'string' }, yes: { type: 'boolean' }, actor: { type: 'string' } },
  });
  const parsed = args.safeParse({ ...values, yes: values.yes ?? false });
  if (!parsed.success) {
    process.stderr.write(`novi erase-customer: ${parsed.error.issues.map((i) => i.message).join('; ')}\n`);
    process.stderr.write('usage: novi erase-customer --business <id> --customer <key> --yes [--actor <who>]\n');
    return 2;
  }
  const { createRuntime } = await import('../runtime.ts');
  const { eraseCustomer } = await import('../customers/erasure.ts');
  const rt = await createRuntime();
  try {
    const r = await eraseCustomer(rt, { businessId: parsed.data.business, customerKey: parsed.data.customer, actor: parsed.data.actor, correlationId: newId() });
    process.stdout.write(`erased customer ${r.customerRef} of business ${parsed.data.business}: ${r.orders} order(s), ${r.messages} message(s), ${r.events} event(s) redacted (erasure ${r.erasureId})\n`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      process.stderr.write(`novi erase-customer: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await rt.close();
    await rt.database.release();
  }
}
