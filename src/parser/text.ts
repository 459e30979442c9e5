// Text helpers shared by the parser modules: accent folding, tokenising, light stemming.

const MARKS = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Lower-case and strip diacritics so "Açaí" and "acai" compare equal. */
export function fold(s: string): string {
  // Most messages are plain ASCII; skip Unicode normalisation for them. Otherwise only the non-ASCII code
  // points are decomposed (one cached lookup each), which equals decomposing the whole string once the marks go.
  if (ASCII_RE.test(s)) return s.toLowerCase();
  return s.toLowerCase().replace(NON_ASCII_CP, foldCodePoint);
}

const NON_ASCII_CP = /[^\x00-\x7f]/gu;
const foldCpCache = new Map<string, string>();
function foldCodePoint(ch: string): string {
  let f = foldCpCache.get(ch);
  if (f === undefined) {
    f = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    if (foldCpCache.size < 5000) foldCpCache.set(ch, f);
  }
  return f;
}

export const ASCII_RE = /^[\x00-\x7f]*$/;

/** Folded word tokens (letters and digits only). */
export function words(s: string): string[] {
  const f = fold(s).replace(NON_WORD, ' ').trim();
  return f ? f.split(' ') : [];
}

/**
 * A crude stem that maps singular and plural forms (en/es/pt) to the same key:
 * "tomatoes"/"tomato", "leches"/"leche", "pães"/"pão", "limões"/"limão", "cookies"/"cookie".
 * It only has to be consistent on both sides of a comparison, not linguistically right.
 */
export function stem(t: string): string {
  let s = t;
  if (s.length > 4 && s.endsWith('oes')) s = s.slice(0, -3) + 'ao';
  if (s.length > 3 && s.endsWith('s') && !s.endsWith('ss')) s = s.slice(0, -1);
  if (s.length > 3 && s.endsWith('e')) s = s.slice(0, -1);
  if (s.length > 2 && (s.endsWith('ao') || s.endsWith('ae'))) s = s.slice(0, -1);
  if (s.length > 3 && s.endsWith('y')) s = s.slice(0, -1) + 'i';
  return s;
}

/** Damerau-Levenshtein (optimal string alignment) distance with an early exit above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prev2: number[] = [];
  let prev: number[] = new Array<number>(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    const cur: number[] = new Array<number>(lb + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[lb] ?? max + 1;
}

const NEEDS_COLLAPSE_RE = /\s\s|[^\S ]/;
export function collapse(s: string): string {
  if (!NEEDS_COLLAPSE_RE.test(s)) return s.trim();
  return s.replace(/\s+/g, ' ').trim();
}

/** Trim spaces and stray punctuation at both ends (keeps a closing ")" or "." of an abbreviation). */
export function trimPunct(s: string): string {
  return s.replace(/^[\s,;:!?¡¿*_~"'`|–—-]+/u, '').replace(/[\s,;:!?¡¿*_~"'`|–—-]+$/u, '');
}
