// Matching a product phrase from a message to the business catalog: names, aliases, plurals, case, small typos.
import type { CatalogProduct } from './types.ts';
import { editDistance, stem, words } from './text.ts';

interface Key {
  product: CatalogProduct;
  /** Stemmed tokens of the name or alias. */
  tokens: string[];
  /** Whether this key is the full catalog name (preferred over an alias on ties). */
  isName: boolean;
}

export interface PreparedCatalog {
  keys: Key[];
  /** Stemmed token -> keys containing it, so a phrase only looks at plausible products. */
  byToken: Map<string, Key[]>;
  /** Key tokens of length >= 4 (raw and stemmed) -> stem, for typo lookups. */
  fuzzyVocab: Array<[string, string]>;
  /** Sizes written in a product's name or aliases ("300" for "Açaí 300ml"), to tell variants apart. */
  sizes: Map<CatalogProduct, Set<string>>;
  /** Phrase -> match, since the same product phrases come back message after message. */
  memo: Map<string, CatalogMatch | null>;
}

const cache = new WeakMap<readonly CatalogProduct[], PreparedCatalog>();
/**
 * Messages decoded from JSON lines carry a fresh catalog array each, so identity caching alone never hits
 * in bulk runs; catalogs equal in content share one prepared catalog. A cheap bucket key (length, first and
 * last product) finds the candidates, and a field-by-field comparison confirms (no string building per message).
 */
interface Shared {
  snapshot: Array<{ sku: unknown; name: unknown; price: unknown; aliases: unknown[] | null }>;
  prepared: PreparedCatalog;
}
const byBucket = new Map<string, Shared[]>();
let sharedCount = 0;
const MAX_SHARED = 512;

function bucketKey(catalog: readonly CatalogProduct[]): string {
  const a = catalog[0];
  const b = catalog[catalog.length - 1];
  return `${catalog.length}\u0001${String(a?.sku)}\u0001${String(a?.name)}\u0001${String(b?.sku)}\u0001${String(b?.name)}`;
}

function sameCatalog(catalog: readonly CatalogProduct[], snap: Shared['snapshot']): boolean {
  if (catalog.length !== snap.length) return false;
  for (let i = 0; i < catalog.length; i++) {
    const p = catalog[i];
    const q = snap[i];
    if (!p || !q) {
      if (p || q) return false;
      continue;
    }
    if (p.sku !== q.sku || p.name !== q.name || p.price !== q.price) return false;
    const al = Array.isArray(p.aliases) ? p.aliases : null;
    const bl = q.aliases;
    if (!al || !bl) {
      if (al || bl) return false;
      continue;
    }
    if (al.length !== bl.length) return false;
    for (let j = 0; j < al.length; j++) if (al[j] !== bl[j]) return false;
  }
  return true;
}

function snapshotOf(catalog: readonly CatalogProduct[]): Shared['snapshot'] {
  return catalog.map((p) =>
    p ? { sku: p.sku, name: p.name, price: p.price, aliases: Array.isArray(p.aliases) ? [...p.aliases] : null } : (null as never),
  );
}

/** Tokens that say nothing about which product: sizes ("50cl", "1kg"), bracket words, connectors. */
const NOISE = new Set(['of', 'de', 'do', 'da', 'del', 'the', 'a', 'la', 'el', 'o', 'com', 'con', 'with', 'and', 'y', 'e']);

/** "500ml", "2kg", "25w", "300": a number with at most a short unit. "ta3meya", "3enwan" (Franco-Arabic) are words. */
function isSize(t: string): boolean {
  return /^\d+(?:[.,]\d+)?\p{L}{0,4}$/u.test(t) || /^\d/.test(t) && !/\p{L}{3}/u.test(t);
}

function keyTokens(s: string): string[] {
  const ws = words(s);
  const out = ws.filter((t) => !isSize(t) && !NOISE.has(t)).map(stem);
  // A name that is only a code with digits ("2M", "7UP") is its own key: the digits are the name, not a size.
  return out.length ? out : ws.filter((t) => /\p{L}/u.test(t) && !NOISE.has(t)).map(stem);
}

export function prepareCatalog(catalog: readonly CatalogProduct[]): PreparedCatalog {
  const hit = cache.get(catalog);
  if (hit) return hit;
  const bucket = bucketKey(catalog);
  const candidates = byBucket.get(bucket);
  if (candidates) {
    for (const c of candidates) {
      if (sameCatalog(catalog, c.snapshot)) {
        cache.set(catalog, c.prepared);
        return c.prepared;
      }
    }
  }
  const keys: Key[] = [];
  const byToken = new Map<string, Key[]>();
  const vocab = new Map<string, string>();
  const sizes = new Map<CatalogProduct, Set<string>>();
  const add = (product: CatalogProduct, text: string, isName: boolean) => {
    for (const t of words(text)) {
      const n = /^(\d+)/.exec(t);
      if (n && n[1]) {
        const set = sizes.get(product) ?? new Set<string>();
        set.add(n[1]);
        sizes.set(product, set);
      }
    }
    const stripped = text.replace(/\([^)]*\)/g, ' ');
    for (const r of words(stripped)) if (r.length >= 3 && !isSize(r) && !NOISE.has(r)) vocab.set(r, stem(r));
    const tokens = keyTokens(stripped);
    if (!tokens.length) return;
    const key: Key = { product, tokens, isName };
    keys.push(key);
    for (const t of new Set(tokens)) {
      const list = byToken.get(t);
      if (list) list.push(key);
      else byToken.set(t, [key]);
      if (t.length >= 4) vocab.set(t, t);
    }
  };
  for (const p of catalog) {
    if (!p || typeof p.name !== 'string') continue;
    add(p, p.name, true);
    for (const a of Array.isArray(p.aliases) ? p.aliases : []) if (typeof a === 'string') add(p, a, false);
  }
  const prepared: PreparedCatalog = { keys, byToken, fuzzyVocab: [...vocab], sizes, memo: new Map() };
  cache.set(catalog, prepared);
  if (sharedCount >= MAX_SHARED) {
    byBucket.clear();
    sharedCount = 0;
  }
  const entry: Shared = { snapshot: snapshotOf(catalog), prepared };
  const list = byBucket.get(bucket);
  if (list) list.push(entry);
  else byBucket.set(bucket, [entry]);
  sharedCount++;
  return prepared;
}

export interface CatalogMatch {
  product: CatalogProduct;
  /** 1 for an exact phrase match, lower for partial cover or typos. */
  score: number;
}

/** Maps a typo'd token onto the catalog vocabulary ("jolof" -> "jollof"), or returns it unchanged. */
function correct(t: string, raw: string, vocab: Array<[string, string]>): string {
  if (raw.length < 4) return t;
  const max = raw.length >= 8 ? 2 : 1;
  let best = t;
  let bestD = max + 1;
  for (const [v, st] of vocab) {
    // A three-letter key word ("efo", "dal") is only reached by a doubled letter or one more ("effo", "daal").
    if (v.length < 4 && (raw.length !== 4 || v[0] !== raw[0])) continue;
    // The stemmed form is tried too: "coxinas" is two edits from "coxinha" but "coxina" only one.
    let d = Math.abs(v.length - raw.length) > max ? max + 1 : editDistance(raw, v, max);
    if (d > 0 && t !== raw && t.length >= 4 && Math.abs(v.length - t.length) <= max) d = Math.min(d, editDistance(t, v, max));
    if (d < bestD) {
      bestD = d;
      best = st;
      if (d === 0) break;
    }
  }
  return best;
}

/**
 * Finds the catalog product a phrase names. The phrase must contain every token of a key, contiguously,
 * and the key must cover at least half of the phrase's meaningful words, so "goat meat pepper soup"
 * does not become "Goat" and "chicken tikka masala" does not become "Chicken".
 */
export function matchCatalog(phrase: string, prepared: PreparedCatalog): CatalogMatch | null {
  if (!prepared.keys.length) return null;
  const hit = prepared.memo.get(phrase);
  if (hit !== undefined) return hit;
  const m = matchCatalogUncached(phrase, prepared);
  if (phrase.length <= 120) {
    if (prepared.memo.size >= 4096) prepared.memo.clear();
    prepared.memo.set(phrase, m);
  }
  return m;
}

function matchCatalogUncached(phrase: string, prepared: PreparedCatalog): CatalogMatch | null {
  const all = words(phrase).slice(0, 16);
  const phraseSizes = new Set<string>();
  for (const t of all) {
    const n = /^(\d+)/.exec(t);
    if (n && n[1]) phraseSizes.add(n[1]);
  }
  let raw = all.filter((t) => !isSize(t) && !NOISE.has(t)).slice(0, 12);
  // "4 2M": a phrase that is only a code with digits can still name a product keyed by that code.
  if (!raw.length) raw = all.filter((t) => /\p{L}/u.test(t) && !NOISE.has(t)).slice(0, 3);
  if (!raw.length) return null;
  let toks = raw.map(stem);
  let typo = false;
  if (!toks.some((t) => prepared.byToken.has(t))) {
    const fixed = toks.map((t, i) => (prepared.byToken.has(t) ? t : correct(t, raw[i] ?? t, prepared.fuzzyVocab)));
    if (!fixed.some((t) => prepared.byToken.has(t))) {
      // Also try the unstemmed tokens against the vocabulary ("bagle" stems oddly).
      return null;
    }
    typo = true;
    toks = fixed;
  } else if (toks.some((t) => !prepared.byToken.has(t))) {
    // Some tokens match, others may be typos of key words ("chikken wings").
    const fixed = toks.map((t, i) => (prepared.byToken.has(t) ? t : correct(t, raw[i] ?? t, prepared.fuzzyVocab)));
    if (fixed.some((t, i) => t !== toks[i])) {
      typo = true;
      toks = fixed;
    }
  }
  let best: CatalogMatch | null = null;
  let bestLen = 0;
  const seen = new Set<Key>();
  for (const t of toks) {
    for (const key of prepared.byToken.get(t) ?? []) {
      if (seen.has(key)) continue;
      seen.add(key);
      const pos = indexOfSeq(toks, key.tokens);
      if (pos < 0) continue;
      const cover = key.tokens.length / toks.length;
      if (cover < 0.5) continue;
      let score = cover === 1 ? 1 : 0.6 + 0.3 * cover;
      if (typo) score -= 0.1;
      // "açaí 300" must pick the 300 ml variant, not the first açaí in the list.
      const ps = prepared.sizes.get(key.product);
      if (ps && phraseSizes.size) {
        let hit = false;
        for (const x of phraseSizes) if (ps.has(x)) hit = true;
        score += hit ? 0.05 : -0.05;
      }
      const better =
        !best ||
        key.tokens.length > bestLen ||
        (key.tokens.length === bestLen && score > best.score) ||
        (key.tokens.length === bestLen && score === best.score && key.isName);
      if (better) {
        best = { product: key.product, score };
        bestLen = key.tokens.length;
      }
    }
  }
  return best;
}

/**
 * Catalog-first matching for a phrase that may carry more than the product: the phrase itself; else its longest
 * leading words that name a product ("garri for shop", "jollof with extra shito", "dhokla for office party");
 * else, for a short phrase, the one product whose name holds every word of it ("fufu" -> "Fufu & Light Soup",
 * "skuma" -> "Sukuma Wiki"). Looser matches score lower, so the confidence can say so.
 */
export function matchCatalogLoose(phrase: string, prepared: PreparedCatalog): CatalogMatch | null {
  const key = '\u0001' + phrase;
  const hit = prepared.memo.get(key);
  if (hit !== undefined) return hit;
  const m = matchCatalogLooseUncached(phrase, prepared);
  if (phrase.length <= 120) {
    if (prepared.memo.size >= 4096) prepared.memo.clear();
    prepared.memo.set(key, m);
  }
  return m;
}

function matchCatalogLooseUncached(phrase: string, prepared: PreparedCatalog): CatalogMatch | null {
  const whole = matchCatalog(phrase, prepared);
  if (whole && whole.score >= 0.9) return whole;
  const ws = phrase.split(/\s+/).filter(Boolean);
  for (let k = Math.min(ws.length - 1, 5); k >= 1; k--) {
    const m = matchCatalog(ws.slice(0, k).join(' '), prepared);
    if (m && m.score >= 0.9) return { product: m.product, score: Math.min(m.score, 0.85) };
  }
  if (whole) return whole;
  return uniqueHolder(phrase, prepared);
}

function uniqueHolder(phrase: string, prepared: PreparedCatalog): CatalogMatch | null {
  const raw = words(phrase).filter((t) => !isSize(t) && !NOISE.has(t));
  if (!raw.length || raw.length > 2) return null;
  let holders: Set<CatalogProduct> | null = null;
  let typo = false;
  for (const r of raw) {
    let t = stem(r);
    if (!prepared.byToken.has(t)) {
      const c = correct(t, r, prepared.fuzzyVocab);
      if (!prepared.byToken.has(c)) return null;
      t = c;
      typo = true;
    }
    const here = new Set<CatalogProduct>((prepared.byToken.get(t) ?? []).map((k) => k.product));
    const prev: Set<CatalogProduct> | null = holders;
    holders = prev ? new Set<CatalogProduct>([...prev].filter((p: CatalogProduct) => here.has(p))) : here;
    if (!holders.size) return null;
  }
  if (!holders || holders.size !== 1) return null;
  const [product] = holders;
  return product ? { product, score: typo ? 0.65 : 0.75 } : null;
}

function indexOfSeq(hay: string[], needle: string[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
