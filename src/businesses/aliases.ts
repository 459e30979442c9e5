// Learned aliases (issue 11 §4): the customer's wording a merchant corrected to a catalog product,
// fed to the parser as one more alias of that product, so the next message with that wording matches it.
import { MAX_ALIAS_LENGTH, type OrderItem, type Product } from '../events/catalog.ts';
import type { LearnedAlias } from './business.ts';

/** Learned aliases kept per business; learning one more forgets the oldest. */
export const MAX_LEARNED_ALIASES = 500;

/**
 * Lower case, Unicode-normalised, one space between words, no leading count or trailing punctuation;
 * null when nothing is left, there is no letter, or it is longer than MAX_ALIAS_LENGTH (cutting it
 * would teach words the customer did not write).
 */
export function normalizeAlias(text: string): string | null {
  const a = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\d.,x×*-]+(?=\p{L})/u, '')
    .replace(/[\s.,;:!?]+$/u, '')
    .trim();
  if (!a || !/\p{L}/u.test(a) || a.length > MAX_ALIAS_LENGTH) return null;
  return a;
}

/** The catalog as the parser gets it: each product with its own aliases and the ones learned for its sku. */
export function parserCatalog(catalog: readonly Product[], learned: readonly LearnedAlias[] = []): Array<{ sku: string; name: string; price: number; aliases: string[] }> {
  const bySku = new Map<string, string[]>();
  for (const l of learned) {
    const key = l.sku.toUpperCase();
    bySku.set(key, [...(bySku.get(key) ?? []), l.alias]);
  }
  return catalog.map((c) => ({ sku: c.sku, name: c.name, price: c.price, aliases: [...c.aliases, ...(bySku.get(c.sku.toUpperCase()) ?? [])] }));
}

/**
 * What a correction teaches: for each line whose product the merchant changed to a catalog product,
 * the customer's words for that line (recorded at parse time, or the line's free-text name when it
 * had no product) now name that product. Lines are compared in place (the editor posts every row).
 */
export function aliasesFromCorrection(
  before: readonly OrderItem[],
  texts: ReadonlyArray<string | null>,
  after: readonly OrderItem[],
  catalog: readonly Product[],
): LearnedAlias[] {
  const skus = new Map(catalog.map((p) => [p.sku.toUpperCase(), p]));
  const out = new Map<string, LearnedAlias>();
  after.forEach((item, i) => {
    const old = before[i];
    if (!old || !item.sku) return;
    const product = skus.get(item.sku.toUpperCase());
    if (!product || (old.sku ?? '').toUpperCase() === product.sku.toUpperCase()) return;
    const said = texts[i] ?? (old.sku === null ? old.name : null);
    const alias = said === null ? null : normalizeAlias(said);
    // The product's own name or alias needs no lesson.
    if (!alias || alias === product.name.toLowerCase() || product.aliases.some((a) => a.toLowerCase() === alias)) return;
    out.set(alias, { alias, sku: product.sku });
  });
  return [...out.values()];
}
