import t from 'tap';
import fc from 'fast-check';
import { parseMessage, type ParseResult } from '../../src/parser/index.ts';

const business = {
  country: 'NG',
  currency: 'NGN',
  catalog: [
    { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
    { sku: 'CH', name: 'Chicken', price: 2000 },
  ],
};
/** Generous: the check is against catastrophic backtracking, not speed. */
const LIMIT_MS = 2000;

function timedParse(text: string): { r: ParseResult; ms: number } {
  const t0 = performance.now();
  const r = parseMessage({ id: 'f', text, business, sender: { name: 'X', phone: '+2348031234567' } });
  return { r, ms: performance.now() - t0 };
}

function valid(r: ParseResult): boolean {
  return (
    ['order', 'status', 'other'].includes(r.intent) &&
    r.confidence >= 0 &&
    r.confidence <= 1 &&
    Array.isArray(r.items) &&
    r.items.every((i) => i.quantity > 0 && Number.isFinite(i.quantity)) &&
    (r.total === null || Number.isFinite(r.total)) &&
    (r.customer.phone === null || /^\+\d{6,15}$/.test(r.customer.phone))
  );
}

const pieces = fc.constantFrom(
  '2x', 'x2', 'jollof', ' ', '\n', ',', '.', '7,500', '7.500', '₦', 'R$ ', '1,20,000', '#A13', 'order', 'delivered', 'pcs',
  'Total:', 'Address:', 'Name:', '- John', 'Thanks, ', '0803 412 7789', '😂', '🙏🏾', '‍', '\u202e', 'مرحبا', '\u0000', '\t', 'a dozen',
  '@', 'each', 'c/u', 'de', 'y', 'e', 'and', '?', 'Calle', 'Rua', '12', 'k', '$', '(', ')', '-', '–', ':', '.....', ',,,,',
);

t.test('random strings never throw and stay within bounds', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400, unit: 'grapheme' }), (s) => {
      const { r, ms } = timedParse(s);
      return valid(r) && ms < LIMIT_MS;
    }),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 200 }), (parts) => {
      const { r, ms } = timedParse(parts.join(''));
      return valid(r) && ms < LIMIT_MS;
    }),
    { numRuns: 400 },
  );
  t.pass('properties held');
});

t.test('adversarial inputs finish in bounded time', async (t) => {
  const adversarial: Array<[string, string]> = [
    ['100 KB of letters', 'a'.repeat(100_000)],
    ['100 KB line of words', 'jollof and '.repeat(10_000)],
    ['deep emoji run', '😂🙏🏾‍👩‍🍳'.repeat(20_000)],
    ['long digit run', '9'.repeat(100_000)],
    ['digits and separators', '1,'.repeat(30_000) + '000'],
    ['Indian grouping run', '12,'.repeat(30_000)],
    ['dotted groups', '1.000'.repeat(20_000)],
    ['spaced digits', '1 '.repeat(50_000)],
    ['phone-ish run', '(0) -'.repeat(20_000)],
    ['RTL text', '\u202eمرحبا بكم في متجرنا '.repeat(3000)],
    ['control characters', '\u0000\u0001\u0007\u001b[31m'.repeat(20_000)],
    ['many lines', '2x jollof\n'.repeat(20_000)],
    ['many empty lines', '\n'.repeat(100_000)],
    ['many labels', 'Address:\n'.repeat(10_000)],
    ['many sentences', '2 jollof. '.repeat(10_000)],
    ['x quantities', 'x2 '.repeat(30_000)],
    ['money symbols', 'R$ '.repeat(30_000)],
    ['spaces', ' '.repeat(100_000)],
    ['dashes', '- '.repeat(50_000)],
    ['colons', ':'.repeat(100_000)],
    ['capitals', 'Calle Rua Av. '.repeat(8000)],
  ];
  for (const [label, text] of adversarial) {
    const { r, ms } = timedParse(text);
    t.ok(valid(r), `${label}: valid result`);
    t.ok(ms < LIMIT_MS, `${label}: ${ms.toFixed(1)} ms`);
  }
});
