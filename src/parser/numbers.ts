// Reading numbers the way merchants write them: 7,500 / 7.500 / 7 500 / 7500.00 / 7.5k / R$ 1.299,90 / ₹1,20,000.

/** Parses one numeric token (digits with , . separators) into a number; null when it is not one. */
export function parseNumberToken(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    // Both present: the right-most one is the decimal mark.
    const dec = lastDot > lastComma ? '.' : ',';
    const thou = dec === '.' ? ',' : '.';
    normalized = s.split(thou).join('').replace(dec, '.');
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const parts = s.split(sep);
    const tail = parts[parts.length - 1] ?? '';
    if (parts.length > 2) {
      // 1,20,000 (Indian) or 1.000.000: every separator groups thousands.
      normalized = parts.join('');
    } else if (tail.length === 3 && (parts[0] ?? '').length <= 3 && parts[0] !== '0') {
      // 7,500 and 7.500 are thousands in every locale we serve; a decimal with 3 places is rare in prices.
      normalized = parts.join('');
    } else {
      normalized = parts.join('.');
    }
  } else {
    normalized = s;
  }
  const n = Number(normalized);
  return Number.isFinite(n) ? n : null;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Count words in en/es/pt, folded (no accents). Articles count as one. */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['a', 1], ['an', 1], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6],
  ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['fifteen', 15],
  ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['hundred', 100],
  ['un', 1], ['una', 1], ['uno', 1], ['dos', 2], ['tres', 3], ['cuatro', 4], ['cinco', 5], ['seis', 6],
  ['siete', 7], ['ocho', 8], ['nueve', 9], ['diez', 10], ['once', 11], ['doce', 12], ['quince', 15],
  ['veinte', 20], ['treinta', 30], ['cincuenta', 50], ['cien', 100],
  ['um', 1], ['uma', 1], ['dois', 2], ['duas', 2], ['quatro', 4], ['sete', 7], ['oito', 8], ['nove', 9],
  ['dez', 10], ['onze', 11], ['doze', 12], ['quinze', 15], ['vinte', 20], ['trinta', 30], ['cinquenta', 50], ['cem', 100],
  ['couple', 2], ['pair', 2],
  // teens and tens, so every count to twenty (and the round tens) reads in all three languages
  ['thirteen', 13], ['fourteen', 14], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19],
  ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
  ['trece', 13], ['catorce', 14], ['dieciseis', 16], ['diecisiete', 17], ['dieciocho', 18], ['diecinueve', 19],
  ['veintiuno', 21], ['veinticinco', 25], ['cuarenta', 40],
  ['treze', 13], ['catorze', 14], ['quatorze', 14], ['dezesseis', 16], ['dezasseis', 16], ['dezessete', 17],
  ['dezassete', 17], ['dezoito', 18], ['dezenove', 19], ['dezanove', 19], ['quarenta', 40],
]);
/** Counts written after the noun (Swahili): "ugali mbili", "soda moja". */
export const TRAILING_NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['moja', 1], ['mbili', 2], ['tatu', 3], ['nne', 4], ['tano', 5], ['sita', 6], ['saba', 7], ['nane', 8], ['tisa', 9], ['kumi', 10],
]);
/** Words that mean two after an article: "a couple of", "un par de", "um par de", "a pair of". */
export const PAIR_WORDS: ReadonlySet<string> = new Set(['couple', 'pair', 'par']);

/** Words meaning twelve of something: "2 dozen", "una docena", "uma dúzia". */
export const DOZEN_WORDS: ReadonlySet<string> = new Set(['dozen', 'dozens', 'doz', 'docena', 'docenas', 'duzia', 'duzias']);
/** Words meaning half: "half a dozen", "media docena", "meia dúzia". */
export const HALF_WORDS: ReadonlySet<string> = new Set(['half', 'media', 'medio', 'meia', 'meio']);
