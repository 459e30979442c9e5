// Pulling the order fields out of a message: labels, phones, address, totals, sign-off name, items.
import type { CatalogProduct, ParsedItem } from './types.ts';
import { ASCII_RE, collapse, fold, trimPunct } from './text.ts';
import { findMoney, type MoneyHit } from './money.ts';
import { DOZEN_WORDS, HALF_WORDS, NUMBER_WORDS, PAIR_WORDS, TRAILING_NUMBER_WORDS, parseNumberToken } from './numbers.ts';
import { matchCatalog, matchCatalogLoose, type PreparedCatalog } from './catalog.ts';
import {
  CONTAINER_UNITS, COUNT_UNITS, CUT_RE, FILLERS, HEADER_WORDS, LABEL_ADDRESS_NOCOLON_RE, LABEL_ADDRESS_RE, LABEL_ITEMS_RE,
  LABEL_ADDRESS_EXTRA_RE, LABEL_NAME_RE, LABEL_NOTE_RE, LABEL_PHONE_RE, LABEL_PRODUCT_RE, LABEL_QTY_RE, NOT_PRODUCT_RE, NOTE_RE,
  PAYMENT_RE, PICKUP_RE, SIGNOFF_WORDS_SRC,
  TRAILING_UNITS, WANT_RE,
} from './lexicon.ts';

const foldUnitCache = new Map<string, string>();
const NON_ASCII_G = /[^\x00-\x7f]/g;
/** One lower-cased UTF-16 unit without its accent ("é" -> "e"), or unchanged when that would change its length. */
function foldUnit(ch: string): string {
  let f = foldUnitCache.get(ch);
  if (f === undefined) {
    const d = ch.normalize('NFKD').replace(/\p{M}+/gu, '');
    f = d.length === ch.length ? d.toLowerCase() : ch;
    if (f.length !== ch.length) f = ch;
    if (foldUnitCache.size < 5000) foldUnitCache.set(ch, f);
  }
  return f;
}

/** Short non-ASCII strings (tokens, segments) are folded again and again; their folded form is memoised. */
const foldShortCache = new Map<string, string>();
const FOLD_SHORT_MAX = 48;

/** Folds case and accents while keeping the UTF-16 length, so indexes found in the folded copy apply to the original. */
export function foldAligned(s: string): string {
  if (ASCII_RE.test(s)) return s.toLowerCase();
  if (s.length > FOLD_SHORT_MAX) return foldAlignedRaw(s);
  let f = foldShortCache.get(s);
  if (f === undefined) {
    f = foldAlignedRaw(s);
    if (foldShortCache.size >= 20_000) foldShortCache.clear();
    foldShortCache.set(s, f);
  }
  return f;
}

function foldAlignedRaw(s: string): string {
  const lower = s.toLowerCase();
  // Lower-casing keeps the length for all but a few letters ("İ"); then only non-ASCII units need accent folding.
  if (lower.length === s.length) return lower.replace(NON_ASCII_G, foldUnit);
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l.replace(NON_ASCII_G, foldUnit) : ch;
  }
  return out;
}

const EDGE_PUNCT_RE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}']+$/gu;
const tokCache = new Map<string, string>();
/** A token folded and stripped of surrounding punctuation ("Jollof," -> "jollof"), memoised. */
function foldTok(tok: string): string {
  let f = tokCache.get(tok);
  if (f === undefined) {
    f = foldAligned(tok).replace(EDGE_PUNCT_RE, '');
    if (tokCache.size >= 20_000) tokCache.clear();
    tokCache.set(tok, f);
  }
  return f;
}

const NAME_RE = /^\p{Lu}[\p{L}'’.-]{0,30}(?:\s\p{Lu}[\p{L}'’.-]{0,30}){0,3}$/u;
const NOT_NAMES = new Set(
  'monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight lunes martes miercoles jueves viernes sabado domingo segunda terca quarta quinta sexta hoy hoje manana amanha god sir ma madam boss total order pedido thanks thank regards cheers gracias obrigado obrigada asante ok okay yes no please pls hello hi hola oi address delivery pickup love team all you everyone guys bro sis dear the'.split(
    ' ',
  ),
);
const TITLE_RE = /^(?:mr|mrs|ms|miss|dr|chief|alhaji|alhaja|madam|mama|aunty|auntie|uncle|sr|sra|srta|dona|don|dona|senhor|senhora|señor|señora)\.?$/i;

export function cleanName(raw: string): string | null {
  let s = raw.replace(/\+?\(?\d[\d\s().-]{5,}\d/g, ' ');
  s = s.replace(/[^\p{L}\p{N}\s'’.,-]/gu, ' ');
  s = collapse(s);
  s = s.replace(/^[\s,.;:-]+|[\s,;:-]+$/g, '');
  s = s.replace(/,.*$/, '').trim();
  if (!s || s.length > 60 || !/\p{L}/u.test(s)) return null;
  return s;
}

function validSignoffName(raw: string): string | null {
  const s = raw.replace(/[^\p{L}\s'’.-]+$/u, '').replace(/[\s!]+$/, '').trim();
  if (!NAME_RE.test(s)) return null;
  const first = fold(s.split(/\s/)[0] ?? '').replace(/\.$/, '');
  if (NOT_NAMES.has(first)) return null;
  if (s.split(/\s/).length > 4) return null;
  // "Thanks, Lekki Phase One" / "Gracias, Plaza Mayor": a place, not who is writing.
  if (PLACE_WORD_RE.test(s)) return null;
  return s;
}

const PLACE_WORD_RE = /\b(?:phase|estate|street|road|close|avenue|lane|drive|crescent|junction|market|mall|plaza|gate|office|shop|rua|calle|avenida|colonia|bairro|centro|station|hospital|school|church|mosque)\b/i;
const SIGNOFF_TAIL_RE = new RegExp(`(?:^|[.!?,;]\\s*)(?:${SIGNOFF_WORDS_SRC})[,.!]*\\s+([^\\n]{1,40})$`, 'i');
const SIGNOFF_ONLY_RE = new RegExp(`^(?:${SIGNOFF_WORDS_SRC})[\\s,.!🙏]*$`, 'iu');
const DASH_NAME_RE = /(?:^|\s)[-–—~]\s*(\p{Lu}[\p{L}'’.]{0,30}(?:\s\p{Lu}[\p{L}'’.]{0,30}){0,2})\s*(?:,\s*\+?[\d(][\d\s().-]{5,20})?\s*[.!]?$/u;
/** Who an agent orders for, before the name: "for my boss, Mrs X", "para mi jefa, Sra. Y", "da cliente Z". */
const AGENT_REL_SRC = 'customer|client|cliente|clienta|boss|madam|oga|mum|mom|mother|wife|husband|sister|brother|jefa|jefe|patrona|patr[oó]n|mam[aá]|esposa|esposo|hermana|chefe|patroa|m[aã]e|irm[aã]';
const AGENT_RE = new RegExp(
  `\\b(?:for (?:my |our |a |the )?(?:customer|client)|on behalf of|orders? for(?: (?:my|our|a|the))?(?: (?:${AGENT_REL_SRC})\\b,?)?|(?:pedido|encomenda|orden) (?:para|pra|de|da|do|del) (?:o |a |el |la |mi |mis |meu |minha )?(?:(?:${AGENT_REL_SRC})\\b,?\\s)?|para (?:mi |el |la |o |a )?(?:cliente|clienta))\\s*[:,-]?\\s*([^\\n,;:]{2,40})`,
  'i',
);

/** Name of a customer an agent is ordering for ("order for Mrs Ade Bello: ..."). */
export function agentName(text: string): string | null {
  const m = AGENT_RE.exec(text);
  if (!m || !m[1]) return null;
  const toks = m[1].trim().split(/\s+/);
  const out: string[] = [];
  for (const t of toks) {
    if (TITLE_RE.test(t)) out.push(t);
    else if (/^\p{Lu}[\p{L}'’.-]*$/u.test(t)) {
      // A full stop after a name word (not an initial or a title) ends the name: "Mrs Ade Bello. Deliver to …".
      if (t.endsWith('.') && t.length > 2) {
        out.push(t.slice(0, -1));
        break;
      }
      out.push(t);
    } else break;
  }
  if (!out.length || out.every((t) => TITLE_RE.test(t))) return null;
  const name = out.join(' ');
  return NOT_NAMES.has(fold(out[0] ?? '')) ? null : name;
}

export interface Draft {
  name: string;
  sku: string | null;
  quantity: number;
  unitPrice: number | null;
  strong: boolean;
  /** Counted only by an article ("a cake", "uma delícia"): an order only alongside a request or other items. */
  article: boolean;
  catalogScore: number;
  currencyToken: string | null;
  /** The count was written (a number, "x2", a number word, an article); false when 1 is assumed. */
  counted: boolean;
  /** Read from a list line (bullet, numbered, under a header or label), where item boundaries are clear. */
  fromList: boolean;
  /** The customer's own words for the product, before catalog matching (what a merchant's correction teaches). */
  said?: string;
}

export interface Extracted {
  name: string | null;
  labelledName: boolean;
  address: string | null;
  items: Draft[];
  total: number | null;
  totalCurrency: string | null;
  firstCurrency: string | null;
  notes: string[];
  pickup: boolean;
  wantVerb: boolean;
  /** A sentence about paying was seen. */
  payment: boolean;
  /** Segments with words that no role took (not an item, label, note, address, greeting): the parse's blind spots. */
  unparsed: number;
  /** The name was read from an unlabelled closing sentence or dash ("… Manuela Reis", "- Seun"): a guess. */
  nameGuessed?: boolean;
}

interface Line {
  text: string;
  list: boolean;
  done: boolean;
}

const LABEL_HINT_RE = /[:=\-–]|^\s*(?:qty|qtd|quantity|cant)|📍|🏠|🏡/iu;
const BULLET_RE = /^\s*(?:(?:[-–—•*·▪►➤→>✔✓☑]\uFE0F?)+\s*|\d{1,2}[.)]\s+)/u;
const NUMBERED_RE = /^\s*\d{1,2}[.)]\s+/;
const LEAD_JUNK_RE = /^[^\p{L}\p{N}$₦£€₹₵¿¡#]+/u;
const HAS_LETTER = /\p{L}/u;
const TIME_WORDS = new Set(['min', 'mins', 'minute', 'minutes', 'minutos', 'hr', 'hrs', 'hour', 'hours', 'horas', 'hora', 'am', 'pm', 'h', 'days', 'dias', 'weeks', 'semanas', 'o\'clock', 'oclock', 'pm.', 'am.', '%', 'th', 'st', 'nd', 'rd', 'years', 'anos', 'años', 'yrs']);
const FRACTION_RE = /^(?:(\d{1,2})\s?)?(?:(\d)\/([248])|([½¼¾]))$/;
const FRACTION_CHARS: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75 };
const MEASURE_UNITS = new Set(['kg', 'kgs', 'kilo', 'kilos', 'quilo', 'quilos', 'litre', 'litres', 'liter', 'liters', 'litro', 'litros', 'l', 'lt', 'ltr', 'lb']);
const MONTH_RE =
  /^(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro)$/;
const TIME_TOKEN_RE = /^\d{1,2}(?:[:.]\d{2})?(?:am|pm|h|hrs|hr|min|mins)$/i;
const ATTACHED_UNIT_RE = /^(\d+(?:[.,]\d+)?)(kg|kgs|g|gm|l|lt|ltr|ml|pcs|pc|pkt|pkts|x|nos|dozen|kilos?|litres?|liters?)$/i;
const X_QTY_RES: RegExp[] = [
  /(?:^|\s)(\d{1,4})\s?[x×](?=\s|$)/i,
  /(?:^|\s)[x×]\s?(\d{1,4})(?=\s|$|[.,;!)])/i,
  /(?:^|\s)(?:qty|qtd|cant)\.?\s*:?\s*(\d{1,4})(?=\s|$)/i,
];
const TRAILING_DASH_QTY_RE = /\s[-–:=]\s*(\d{1,4}(?:[.,]\d{1,2})?)\s*([\p{L}]{1,10})?\s*$/u;
/** A count closing the text before a dash: "x1", "2x", "- 1", "- 2 plates". */
const COUNT_BEFORE_DASH_RE = /\p{L}.*(?:\s[x×]\s?\d{1,4}|\s\d{1,4}\s?[x×]|\s[-–]\s*\d{1,4}(?:\s\p{L}{1,10})?)\s*$/iu;
const TRAILING_BARE_QTY_RE = /\s(\d{1,3})\s*[.!]*\s*$/;
/** "soda 2 pls": politeness after a trailing count. */
const TRAILING_PLEASE_RE = /\s+(?:pls|plz|please|por favor|porfa|pf|tafadhali|ji)[.!]*\s*$/i;
const UNIT_THEN_COUNT_RE = /\s(\p{L}{1,8})\s(\d{1,3}(?:[.,]\d{1,2})?)\s*[.!]?$/u;
/** "ugali mbili", "soda moja": Swahili counts come after the noun. */
const TRAILING_WORD_QTY_RE = /\s(moja|mbili|tatu|nne|tano|sita|saba|nane|tisa|kumi)\s*$/i;
const TRAILING_UNIT_QTY_RE = /\s(\d{1,4}(?:[.,]\d{1,2})?)\s([\p{L}]{1,10})\.?\s*$/u;
const BEFORE_PRICE_RE = /(?:@|\bat|\bfor|\bpor|\bde|\ba|\ben|\bem|\bin|\bza|\bfrom|\bx|\bdi|[-–:=(])\s*$/i;
const AFTER_PRICE_RE = /^\s*(?:\/\s?(?:kg|kilo|un|und|unid|u|pc|pz|pza|pcs|lb|l|lt)\b|each|ea\.?|per (?:piece|unit|one|plate|pc|kg|bottle|\p{L}+)|kila (?:moja|mmoja|kimoja)|kila|a piece|apiece|c\/u|c\/\/u|cada(?:\s+(?:una|uno|um|uma))?|la unidad|a unidade|o kg|el kilo|el kg|por kg|the kg|a kg)\b\.?/iu;
const EACH_AFTER_RE = /^\s*(?:\/\s?(?:kg|kilo|un|und|unid|u|pc|pz|pza|pcs|lb|l|lt)\b|each|ea\.?|per\b|kila\b|a piece|apiece|c\/u|cada|la unidad|a unidade)/i;
/** A sentence that is about coming to the shop, not about products ("Will pick up at 2pm", "Vou retirar no quiosque"). */
const PICKUP_START_RE =
  /^(?:(?:i'?ll|i will|will|we'?ll|we will|i go|i'?m going to|i can|can i|i|we|ok|and|queria|quero|quiero|quisiera|vou|voy a)\s)?(?:pick|picking|collect|come|coming|swing|pass|passar|paso|pasar|paso a|voy a pasar|vou (?:buscar|retirar|passar|pegar)|passo|retiro|retirada|recogida|recojo|busco|recogo|recoger|collection|pickup|pick-up|take ?out|take-out|kukunin|kunin|levanto|levantamos|levantar|vou levantar|(?:lo|la|los|las) paso a (?:recoger|buscar)|i dey come|i go come)\b/;
const ABBREV = new Set(['bv', 'bvar', 'pe', 'sto', 'sta', 'gral', 'gen', 'cnel', 'pres', 'eng', 'dom', 'calz', 'cra', 'cl', 'cll', 'tv', 'trav', 'pte', 'nte', 'ote', 'pto', 'jr', 'int', 'of', 'lt', 'mz', 'av', 'ave', 'col', 'no', 'nº', 'n°', 'apt', 'apto', 'dr', 'sr', 'sra', 'srta', 'mr', 'mrs', 'ms', 'st', 'rd', 'mor', 'end', 'tel', 'ph', 'blvd', 'jr', 'cel', 'dept', 'depto', 'r', 'pça', 'prof', 'dra', 'km', 'vs', 'etc', 'e.g', 'i.e', 'rs', 'atte', 'fl', 'bldg', 'blk', 'hse', 'opp', 'c', 'unid', 'qty', 'qtd', 'cx', 'telf', 'mob', 'obs', 'esq', 'aprox', 'approx', 'nr', 'gov', 'ing', 'lic', 'arq', 'brgy', 'h.no', 'hno', 'bgy', 'sec', 'eng', 'engº', 'dto', 'esq', 'urb', 'res', 'cond', 'ed', 'edif']);

/** Splits a line into sentences at . ! ? followed by a space, but not after "Av." / "No." / "Mrs." or inside numbers. */
export function splitSentences(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') continue;
    const next = line[i + 1];
    if (next !== undefined && next !== ' ' && next !== '\t') continue;
    if (c === '.') {
      const before = line.slice(Math.max(start, i - 6), i);
      const w = /([\p{L}º°.]+)$/u.exec(before);
      if (w && w[1] && (ABBREV.has(w[1].toLowerCase()) || (w[1].length === 1 && /\p{Lu}/u.test(w[1])))) {
        // "Av. Paulista", "Mrs. Okafor", "Mary O." : an abbreviation, unless the next word starts a new sentence we can't tell; keep going.
        continue;
      }
      const after = line.slice(i + 1).trimStart();
      if (/^\d/.test(after) && /(?:^|[^\d.,])\d{1,2}$/.test(line.slice(0, i))) continue;
    }
    out.push(line.slice(start, i + 1));
    start = i + 1;
  }
  if (start < line.length) out.push(line.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Splits a sentence into item segments at commas, ";", " + ", " & ", and "and/y/e/plus/n" before a count. */
const SEGMENT_HINT_RE = /[,;:+&/]|\s(?:and|y|e|n|plus|with|also|und|ni|na|aur|as|mas|más|w|at)\s/i;

export function splitSegments(sentence: string): string[] {
  if (!SEGMENT_HINT_RE.test(sentence)) {
    const one = sentence.trim();
    return one ? splitAtCounts(one) : [];
  }
  const parts = sentence.split(/(?<!\d),|,(?!\d)|;|\s\+\s|\s\/\s|(?<!\d):|:(?!\d)|(?<=\d|\d\s?(?:pcs|kg|nos|pkt|litres|liters|kilos|each|cada|c\/u)|\d\s(?:o|el|a|per|the|por)\s(?:kg|kilo|quilo|litro|litre|unidade|unidad|piece)|\s(?:moja|mbili|tatu|nne|tano|sita|saba|nane|tisa|kumi)|\d\/[=-])\s(?:and|y|e|n|plus|na|aur)\s/i);
  const out: string[] = [];
  for (const p of parts) {
    // "3 jollof and 2 dodo" / "2 trufas e três pães": split at a conjunction followed by a count or article.
    const sub = p.split(
      /\s(?:and|&|plus|y|e|n|w|with|also|und|ni|na|aur|as well as|mas|más|and also|plus also)\s(?=(?:\d|a\s|an\s|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|ten\b|eleven\b|twelve\b|(?:thir|four|fif|six|seven|eigh|nine)teen\b|twenty\b|half\b|once\b|medio\b|meio\b|doce\b|trece\b|catorce\b|quince\b|diec[ií](?:s[eé]is|siete|ocho|nueve)\b|veinte\b|siete\b|ocho\b|nueve\b|diez\b|sete\b|oito\b|nove\b|dez\b|onze\b|doze\b|treze\b|(?:ca|qua)torze\b|quinze\b|deza?s?s?e(?:is|te)\b|dezesseis\b|dezoito\b|deze?a?nove\b|vinte\b|cinco\b|un\s|una\s|uno\b|dos\b|tres\b|cuatro\b|cinco\b|seis\b|media\b|um\s|uma\s|dois\b|duas\b|três\b|quatro\b|meia\b|o\s|os\s|as\s|el\s|la\s|los\s|las\s|the\s|some\s|(?:(?:pls|please|kindly|also|then|send|add|bring|get|provide|give me|dame|manda|mande|quero|quiero|traz|trae|ponme|me)\s+){1,3}\d))/i,
    );
    for (const s0 of sub) for (const s1 of splitTrailingCount(s0)) for (const s of splitAtAt(s1)) for (const x of splitAtCounts(s)) if (x.trim()) out.push(x.trim());
  }
  return out;
}

const TRAILING_COUNT_PART_RE = /^(.*?\p{L})\s(?:na|and|aur|y|e|n)\s(\p{L}[^,]*?\s(?:moja|mbili|tatu|nne|tano|sita|saba|nane|tisa|kumi|\d{1,3}))\s*[.!]?$/iu;
/** "2 mandazi na chai moja": a counted item, then a second one whose count comes after it (Swahili), joined by "na". */
function splitTrailingCount(s: string): string[] {
  const m = TRAILING_COUNT_PART_RE.exec(s);
  if (!m || !m[1] || !m[2] || !/(?:^|\s)\d{1,3}\s+\p{L}/u.test(m[1]) || m[2].split(/\s+/).length > 5) return [s];
  return [m[1], m[2]];
}

/**
 * "2 dozen pandesal at 1 ube cheese loaf", "1 dozen puto at 6 kutsinta": Tagalog "at" (and) between two counted
 * products. Split only when a word comes before, and a small count then a lower-case word that is not a time, a
 * unit, a price word or a street follows ("at 5 each", "at 4 pm", "at 12 allen road" stay whole).
 */
function splitAtAt(s: string): string[] {
  if (!/\sat\s\d/i.test(s)) return [s];
  const toks = s.split(/\s+/);
  const out: string[] = [];
  let cur: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i] ?? '';
    const n = toks[i + 1] ?? '';
    const w = toks[i + 2] ?? '';
    const wf = foldTok(w);
    if (tok.toLowerCase() === 'at' && cur.length && /\p{L}$/u.test(cur[cur.length - 1] ?? '') && /^\d{1,3}$/.test(n) && /^\p{Ll}/u.test(w) &&
      !TIME_WORDS.has(wf) && !AFTER_NUMBER_NOT_ITEM_RE.test(wf) && !MONTH_RE.test(wf) && !STREET_WORD_RE.test(toks.slice(i + 2, i + 5).join(' '))) {
      out.push(cur.join(' '));
      cur = [];
      continue;
    }
    cur.push(tok);
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

/** Words after which a number belongs to the phrase ("refresco de 2 litros", "pizza for 2", "size 10", "No 2"). */
const NUMBER_BINDS_RE = /(?:^|\s)(?:de|del|of|for|para|pra|por|per|size|talla|tamanho|no|nº|n°|number|numero|número|#|x|at|a|@|en|em|in|to|the|el|la|o|um|uma|un|una|with|com|con|sem|sin|without|and|y|e|na|aur|top|from|desde|ate|hasta|until|by|till|after|before|around|approx|about|like)$/i;

const ORDER_FOR_RE = /^(?:(?:my|our|the|new|an?|mi|meu|o|el)\s)?(?:order|pedido|orden|encomenda)s?\s(?:for|para|pra|de|do|da)\s/;
const CONFIRM_TAGS = new Set(['right', 'ok', 'okay', 'correct', 'abi', 'sha', 'cierto', 'verdad', 'no', 'ne', 'sure', 'yes', 'si', 'sim', 'kweli', 'na', 'naa', 'haina', 'nao', 'confirm']);

/** "… order for my cousin", "… para mi mamá": the phrase names who the order is for. */
const FOR_WHOM_RE = /(?:^|\s)(?:for|para|pra) (?:my|our|his|her|the|mi|mis|minha|meu|a minha|o meu) [\p{L}']+\s*[.!]?$/u;

/** Words after a number that make it a price, a size or a measure, not the next item's count. */
const AFTER_NUMBER_NOT_ITEM_RE =
  /^(?:com|con|with|sin|sem|each|ea|cada|c\/u|kila|apiece|per|naira|bob|shillings?|rupees?|rs|reais|real|pesos?|cedis?|rand|euros?|pounds?|dollars?|bucks|meticais|mt|kz|kwanzas?|soles|egp|le|php|aoa|mzn|ngn|kes|inr|ghs|zar|brl|mxn|cop|ars|usd|eur|gbp|k|polegadas|pulgadas|inch|inches|in|cm|mm|ml|cl|gb|tb|mb|years?|anos|años|people|persons|pax|pessoas|personas|guests|off|only|total|por|pra|para|for|a|o|el|la|de|y|e)$/;

/**
 * "2 chicken biryani 1 veg biryani 4 roti": items written one after another with no separator. Splits before a
 * count that follows a word and is followed by a word, unless the word before binds the number to the phrase
 * or the number is a measure of what precedes it ("2 litros", "10pc", "5kg").
 */
function splitAtCounts(s: string): string[] {
  if (!/\p{L}\s+\d/u.test(s)) return [s];
  const toks = s.split(/\s+/);
  const out: string[] = [];
  let cur: string[] = [];
  let seenCount = false;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i] ?? '';
    const next = toks[i + 1] ?? '';
    const prev = cur[cur.length - 1] ?? '';
    const isCount = /^\d{1,3}$/.test(tok) && Number(tok) > 0;
    const nf = foldTok(next);
    if (isCount && seenCount && cur.length >= 1 && /\p{L}$/u.test(prev) && /^\p{L}/u.test(next) && !NUMBER_BINDS_RE.test(' ' + foldTok(prev)) &&
      !COUNT_UNITS.has(nf) && !TIME_WORDS.has(nf) && !MONTH_RE.test(nf) && !AFTER_NUMBER_NOT_ITEM_RE.test(nf)) {
      out.push(cur.join(' '));
      cur = [];
    }
    if (/^\d/.test(tok) || NUMBER_WORDS.has(foldTok(tok))) seenCount = true;
    cur.push(tok);
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

function isNumericToken(t: string): boolean {
  return /^\d{1,6}(?:[.,]\d{1,3})?$/.test(t);
}

interface QtyParse {
  article?: boolean;
  qty: number | null;
  rest: string;
  unit: string | null;
  container: string | null;
  wanted: boolean;
  explicit: boolean;
  /** The unit word as written, when one was read after the count ("6 galões para a obra"). */
  unitTok?: string;
}

const wantTokCache = new Map<string, boolean>();
/** A single folded filler token that is a request verb ("send", "quiero"); memoised, the vocabulary is small. */
function wantTok(t: string): boolean {
  let w = wantTokCache.get(t);
  if (w === undefined) {
    w = FILLERS.has(t) && WANT_RE.test(t);
    if (wantTokCache.size < 5000) wantTokCache.set(t, w);
  }
  return w;
}

/** Finds the count at the start of a segment (after greetings and request verbs). */
function leadingQty(seg: string): QtyParse | null {
  const toks = seg.split(/\s+/).slice(0, 40);
  let wanted = false;
  let skippedCaps = 0;
  for (let i = 0; i < toks.length && i < 12; i++) {
    const tok = toks[i] ?? '';
    const t = foldTok(tok);
    let qty: number | null = null;
    let j = i + 1;
    let unit: string | null = null;
    const attached = ATTACHED_UNIT_RE.exec(t);
    if (isNumericToken(t)) qty = parseNumberToken(t);
    else if (attached && attached[1]) {
      qty = parseNumberToken(attached[1]);
      unit = (attached[2] ?? '').toLowerCase();
      if (unit === 'dozen') {
        qty = (qty ?? 1) * 12;
        unit = null;
      }
    } else if (FRACTION_RE.test(t)) {
      // "1/2 kg paneer", "½ kilo", "1½ kg": a fraction of a measure.
      const fm = FRACTION_RE.exec(t);
      const whole = fm && fm[1] ? Number(fm[1]) : 0;
      const frac = fm && fm[2] ? Number(fm[2]) / Number(fm[3]) : fm && fm[4] ? (FRACTION_CHARS[fm[4]] ?? 0) : 0;
      qty = whole + frac;
    } else if (HALF_WORDS.has(t) && MEASURE_UNITS.has(foldTok(toks[i + 1] ?? '').replace(/\.$/, ''))) {
      // "half kg ginger", "medio kilo de queso", "meio quilo de carne".
      return finishQty(toks, i + 1, 0.5, null, wanted);
    } else if (HALF_WORDS.has(t)) {
      const n1 = foldAligned(toks[i + 1] ?? '');
      const n2 = foldAligned(toks[i + 2] ?? '');
      if (DOZEN_WORDS.has(n1)) { qty = 6; j = i + 2; }
      else if ((n1 === 'a' || n1 === 'an') && DOZEN_WORDS.has(n2)) { qty = 6; j = i + 3; }
      else if (t === 'half' || t === 'media' || t === 'meia') { qty = null; }
      if (qty !== null) return finishQty(toks, j, qty, null, wanted);
    } else if (ARTICLES.has(t) && PAIR_WORDS.has(foldTok(toks[i + 1] ?? '')) && toks.length > i + 2) {
      // "a couple of meat pies", "un par de conchas", "um par de chinelos": two.
      j = i + 2;
      if (/^(?:of|de|do|da)$/.test(foldTok(toks[j] ?? ''))) j++;
      return finishQty(toks, j, 2, null, wanted);
    } else if (NUMBER_WORDS.has(t) && i + 1 < toks.length && (isNumericToken(foldTok(toks[i + 1] ?? '')) || wantTok(foldTok(toks[i + 1] ?? '')))) {
      // Pidgin "make una send 4 …", "una bring": a pronoun that spells like a count, before the real count or verb.
      continue;
    } else if (NUMBER_WORDS.has(t)) {
      qty = NUMBER_WORDS.get(t) ?? null;
      // "a" / "o" style articles only count when they introduce a product, not "a lot", "a few".
      if ((t === 'a' || t === 'an') && /^(lot|few|bit|little|while|moment|minute|question)$/.test(foldAligned(toks[i + 1] ?? ''))) return null;
    } else if (FILLERS.has(t) || t === '') {
      if (wantTok(t)) wanted = true;
      continue;
    } else if (LEAD_FOR_WORDS.has(t) && i + 1 < toks.length && LEAD_TIME_WORDS.has(foldTok(toks[i + 1] ?? ''))) {
      // "para amanhã queria 2 kg …", "para el sábado: 3 …", "for tomorrow 2 …": when, not what.
      i++;
      if (ARTICLE_LIKE.has(foldTok(toks[i] ?? '')) && LEAD_TIME_WORDS.has(foldTok(toks[i + 1] ?? ''))) i++;
      continue;
    } else if (/^\p{Lu}/u.test(tok) && skippedCaps < 2 && i < 4 && toks.slice(i + 1, i + 4).some((x) => NAME_SKIP_NEXT(foldTok(x)))) {
      skippedCaps++;
      continue;
    } else {
      // "Para el cumple del sábado quiero 50 …", "for the party tomorrow I need 3 …": a purpose or time phrase
      // before the request verb and its count says when or why, not what.
      const k = requestBeforeCount(toks, i);
      if (k > i) {
        i = k;
        wanted = true;
        continue;
      }
      return { qty: null, rest: toks.slice(i).join(' '), unit: null, container: null, wanted, explicit: false };
    }
    if (qty === null || qty <= 0) return null;
    const nextF = foldAligned(toks[j] ?? '').replace(/[^\p{L}\p{N}'%]+$/u, '');
    if (TIME_WORDS.has(nextF) || TIME_TOKEN_RE.test(t)) return null;
    // "2 de dezembro", "15 de mayo", "3rd of June", "2 December": a date, not a count.
    if (MONTH_RE.test(nextF) || (/^(?:de|of)$/.test(nextF) && MONTH_RE.test(foldTok(toks[j + 1] ?? '')))) return null;
    if (DOZEN_WORDS.has(nextF)) {
      qty *= 12;
      j++;
    }
    const fq = finishQty(toks, j, qty, unit, wanted);
    if (ARTICLES.has(t) && fq.qty === 1 && !fq.unit) fq.article = true;
    return fq;
  }
  return { qty: null, rest: '', unit: null, container: null, wanted, explicit: false };
}

/** The index of a request verb followed by a count within the next few words after `i`, or -1. */
function requestBeforeCount(toks: string[], i: number): number {
  for (let k = i + 1; k < toks.length - 1 && k <= i + 7; k++) {
    const w = foldTok(toks[k] ?? '');
    if (!wantTok(w)) continue;
    const n = foldTok(toks[k + 1] ?? '');
    if (isNumericToken(n) || (NUMBER_WORDS.has(n) && !ARTICLES.has(n))) return k;
  }
  return -1;
}

const LEAD_FOR_WORDS = new Set(['para', 'pra', 'for', 'pa']);
const ARTICLE_LIKE = new Set(['o', 'a', 'el', 'la', 'the', 'este', 'esta', 'this']);
const LEAD_TIME_WORDS = new Set(
  'o a el la the este esta this hoy hoje amanha manana today tomorrow tonight tmrw sabado domingo lunes martes miercoles jueves viernes segunda terca quarta quinta sexta saturday sunday monday tuesday wednesday thursday friday jantar almoco cena almuerzo lunch dinner breakfast weekend noche tarde manha finde'.split(' '),
);

/** Words that are fillers but also join a product's own words ("Bolo de cenoura", "Torta de limão"). */
const CONNECTOR_FILLERS = new Set(['com', 'con', 'fa', 'pia', 'de', 'da', 'do', 'na', 'no', 'o', 'a', 'os', 'as', 'the', 'la', 'el', 'los', 'las', 'lo', 'y', 'e', 'and', 'with', 'for', 'to', 'me', 'my', 'mi', 'plus', '&', 'some', 'it', 'them', 'go', 'make', 'new']);
/** A capitalised word is skipped as an addressee ("Ada pls send …") only when a request or politeness word follows. */
function NAME_SKIP_NEXT(w: string): boolean {
  return FILLERS.has(w) && !CONNECTOR_FILLERS.has(w);
}

const ARTICLES = new Set(['a', 'an', 'um', 'uma', 'un', 'una']);

function finishQty(toks: string[], j: number, qty: number, unitIn: string | null, wanted: boolean): QtyParse {
  let unit = unitIn;
  let container: string | null = null;
  const u = foldAligned(toks[j] ?? '').replace(/[.:,]+$/, '');
  let unitTok: string | undefined;
  if (!unit && COUNT_UNITS.has(u) && toks.length > j + 1) {
    unit = u;
    unitTok = toks[j];
    if (CONTAINER_UNITS.has(u)) container = toks[j] ?? null;
    j++;
  }
  let k = j;
  const of = foldAligned(toks[k] ?? '');
  if (unit && (of === 'of' || of === 'de' || of === 'do' || of === 'da' || of === 'za' || of === 'ya' || of === 'wa')) k++;
  return { qty, rest: toks.slice(k).join(' '), unit, container, wanted, explicit: true, unitTok };
}

/** Strips greetings and request verbs before a product ("pls I want small chops" -> "small chops"). */
function stripLeadingFillers(s: string): { text: string; wanted: boolean } {
  const toks = s.split(/\s+/);
  let i = 0;
  let wanted = false;
  while (i < toks.length - 1 || (i < toks.length && toks.length === 1 && false)) {
    const t = foldTok(toks[i] ?? '');
    if (!FILLERS.has(t) && t !== '') break;
    if (wantTok(t)) wanted = true;
    i++;
  }
  // A lone trailing filler ("please") is not a product either.
  const rest = toks.slice(i);
  if (rest.length === 1 && FILLERS.has(foldAligned(rest[0] ?? '').replace(/[^\p{L}']+/gu, ''))) return { text: '', wanted };
  return { text: rest.join(' '), wanted };
}

function cutTail(nameIn: string): string {
  // "(size 32)", "(talla S)": a size note in brackets is not part of the product's name.
  const name = nameIn.replace(/\s*\((?:size|sz|talla|tamanho|tam|numero|número)\b[^)]*\)/giu, '');
  const f = foldAligned(' ' + name);
  const m = CUT_RE.exec(f);
  let s = m ? name.slice(0, Math.max(0, m.index)) : name;
  s = s.replace(/\s+(?:each|ea|c\/u|cada(?:\s+(?:una|uno|um|uma))?|pls|please|por favor|porfa|po|only|o|a|de|of|do|da|x)\s*$/i, '');
  s = s.replace(/[\s.,;:!?¡¿*_~"'`|–—=@-]+$/u, '').replace(/^[\s.,;:!?¡¿*_~"'`|–—=@-]+/u, '');
  return collapse(s);
}

interface SegContext {
  catalog: PreparedCatalog | null;
  list: boolean;
  sentenceWanted: boolean;
}

/** Parses one segment into an item, or null when it names no product. */
export function parseSegment(segIn: string, ctx: SegContext): Draft | null {
  let seg = segIn.replace(LEAD_JUNK_RE, '').trim();
  if (!seg || !HAS_LETTER.test(seg) || seg.length > 200) return null;
  // "Not 3 suya again", "no 2 sino 3": a count taken back is not an item.
  if (/^(?:not|no|nao|não|ni)\s+\d/i.test(seg)) return null;

  // 1. Prices: amounts with a currency, a "k", "@", or "each"/"c/u"/"cada" are unit prices, not counts.
  let unitPrice: number | null = null;
  let currencyToken: string | null = null;
  const hits = findMoney(seg);
  const priceHits: MoneyHit[] = [];
  for (const h of hits) {
    const before = seg.slice(Math.max(0, h.index - 3), h.index);
    const after = seg.slice(h.end, h.end + 14);
    if (h.marked || /@\s*$/.test(before) || EACH_AFTER_RE.test(after)) priceHits.push(h);
  }
  // "Luwombo chicken x1 - 35,000", "Rajma chawal - 1 - 150": a count written right before a dash, then a last bare
  // number: the count is taken, so the number after the dash is the price.
  const lastHit = hits[hits.length - 1];
  if (!priceHits.length && lastHit && /^[\s.!]*$/.test(seg.slice(lastHit.end))) {
    const dm = /\s[-–=]\s*$/.exec(seg.slice(0, lastHit.index));
    if (dm && COUNT_BEFORE_DASH_RE.test(seg.slice(0, dm.index))) priceHits.push(lastHit);
  }
  if (priceHits.length) {
    const first = priceHits[0];
    if (first) {
      unitPrice = first.value;
      currencyToken = first.currencyToken;
    }
    let rebuilt = '';
    let pos = 0;
    for (const h of priceHits) {
      let left = seg.slice(pos, h.index);
      left = left.replace(BEFORE_PRICE_RE, ' ');
      rebuilt += left + ' ';
      const after = seg.slice(h.end);
      const am = AFTER_PRICE_RE.exec(after);
      pos = h.end + (am ? am[0].length : 0);
    }
    rebuilt += seg.slice(pos);
    // "(R$ 89,90 cada)", "($650)": the brackets that held the price go with it.
    seg = collapse(rebuilt.replace(/\(\s*\)|\(\s*(?=[^)]*$)|(?<=^[^(]*)\s\)/g, ' '));
    if (!HAS_LETTER.test(seg)) return null;
  }

  // 2. Count: "2x", "x2", "qty 2", a leading number or number word, or a trailing "- 2 kg" / "10 nos".
  let qty: number | null = null;
  let explicit = false;
  let wanted = false;
  let container: string | null = null;
  let article = false;
  let unitTok: string | undefined;
  let rest = seg;
  for (const re of X_QTY_RES) {
    const m = re.exec(rest);
    if (m && m[1]) {
      qty = Number(m[1]);
      rest = collapse(rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length));
      explicit = true;
      break;
    }
  }
  if (qty === null) {
    const lq = leadingQty(rest);
    if (lq === null) return null;
    wanted = lq.wanted;
    if (lq.qty !== null) {
      qty = lq.qty;
      explicit = lq.explicit;
      container = lq.container;
      article = lq.article === true;
      unitTok = lq.unitTok;
      rest = lq.rest;
    } else {
      rest = lq.rest;
      // "mchele kilo 5", "maziwa lita 2", "nyanya kilo 3": the unit, then the count, after the product (Swahili).
      const uc = UNIT_THEN_COUNT_RE.exec(rest);
      if (uc && uc[1] && uc[2] && COUNT_UNITS.has(foldTok(uc[1])) && HAS_LETTER.test(rest.slice(0, uc.index))) {
        const n = parseNumberToken(uc[2]);
        if (n !== null && n > 0) {
          qty = n;
          explicit = true;
          rest = rest.slice(0, uc.index);
        }
      }
      const tm = qty !== null ? null : TRAILING_DASH_QTY_RE.exec(rest) ?? TRAILING_UNIT_QTY_RE.exec(rest);
      if (tm && tm[1]) {
        const unit = foldAligned(tm[2] ?? '');
        const dash = tm === TRAILING_DASH_QTY_RE.exec(rest) || /^\s[-–:=]/.test(tm[0]);
        if ((dash && (!unit || COUNT_UNITS.has(unit))) || TRAILING_UNITS.has(unit)) {
          const n = parseNumberToken(tm[1]);
          if (n !== null && n > 0) {
            qty = n;
            explicit = true;
            rest = rest.slice(0, tm.index);
          }
        }
      }
    }
  } else {
    const st = stripLeadingFillers(rest);
    rest = st.text;
    wanted = st.wanted;
  }
  const stripped = stripLeadingFillers(rest);
  rest = stripped.text;
  wanted = wanted || stripped.wanted;
  // "Chicken 3", "jollof rice 2": a bare count after the product. Taken when the words before it name a catalog
  // product (and the number is not one of its sizes), or on a list line; never a size ("Coke 50cl" has a unit).
  let bareTail: { qty: number; rest: string; word: boolean } | null = null;
  if (qty === null) {
    const pm = TRAILING_PLEASE_RE.exec(rest);
    if (pm && /\s\d{1,3}$/.test(rest.slice(0, pm.index))) rest = rest.slice(0, pm.index);
    const bm = TRAILING_BARE_QTY_RE.exec(rest) ?? TRAILING_WORD_QTY_RE.exec(rest);
    if (bm && bm[1]) {
      const n = /^\d/.test(bm[1]) ? Number(bm[1]) : (TRAILING_NUMBER_WORDS.get(bm[1].toLowerCase()) ?? 0);
      const head = rest.slice(0, bm.index);
      if (n > 0 && HAS_LETTER.test(head) && !/\b(?:no|nº|n°|number|numero|número|#|room|flat|apt|house|hse|plot|block|phase|gate|stage|km|size|sz|talla|tamanho|tam|taille|uk|eu|us)\.?$/i.test(head.trim()))
        bareTail = { qty: n, rest: head, word: !/^\d/.test(bm[1]) };
    }
  }
  let name = cutTail(bareTail ? bareTail.rest : rest);
  // Drop a leading packaging/measure word left over ("plates of", "kg de").
  name = name.replace(/^(?:of|de|do|da|del)\s+/i, '');
  // "6 galões para a obra": the word read as a unit is what the catalog sells, and what follows names no product.
  if (unitTok && ctx.catalog && matchCatalog(unitTok, ctx.catalog) && !(name && HAS_LETTER.test(name) && matchCatalogLoose(name, ctx.catalog))) {
    name = cutTail(unitTok);
    bareTail = null;
  }
  if (!name || !HAS_LETTER.test(name)) return null;
  if (INQUIRY_START_RE.test(foldAligned(name))) return null;
  if (NOT_PRODUCT_RE.test(foldAligned(name))) return null;
  const nameWords = name.split(/\s+/);
  if (nameWords.length > 8) return null;
  const foldedWords = nameWords.map((w) => foldAligned(w).replace(/[^\p{L}\p{N}]+/gu, ''));
  if (foldedWords.every((w) => !w || FILLERS.has(w) || HEADER_WORDS.has(w))) return null;
  // "Entregar sexta …", "deliver tomorrow": a day or a time of day is when, not what.
  if (foldedWords.every((w) => !w || FILLERS.has(w) || LEAD_TIME_WORDS.has(w))) return null;
  // A unit left as the whole name ("2 plates") is not a product, unless the catalog sells it ("6 galões").
  const unitOnly = foldedWords.length === 1 && COUNT_UNITS.has(foldedWords[0] ?? '');
  if (unitOnly && !ctx.catalog) return null;
  // "place an order", "my order for pickup": words about ordering, not goods.
  if (isHeaderLine(name)) return null;
  // "I want to order for my cousin": who it is for, not what.
  if (qty === null && nameWords.length === 1 && FOR_WHOM_RE.test(foldAligned(seg))) return null;
  // "Order for Raksha Bandhan: …", "Pedido para la oficina: …": what the order is for, before the list.
  if (qty === null && ORDER_FOR_RE.test(foldAligned(seg).replace(LEAD_JUNK_RE, ''))) return null;
  // "… Rs 1200 per kg right?": a price being checked, not another item.
  if (nameWords.length === 1 && CONFIRM_TAGS.has(foldedWords[0] ?? '')) return null;

  let sku: string | null = null;
  let outName = name;
  let catalogScore = 0;
  if (ctx.catalog) {
    const withContainer = container ? `${container} of ${name}` : null;
    let m = (withContainer ? matchCatalog(withContainer, ctx.catalog) : null) ?? matchCatalogLoose(name, ctx.catalog);
    // A number word ("unga jogoo mbili") is a count, never a size.
    if (bareTail && !bareTail.word && m && ctx.catalog.sizes.get(m.product)?.has(String(bareTail.qty))) {
      // "Açaí 300" names the 300 ml product: the number is its size, not a count.
      const whole = matchCatalog(cutTail(rest), ctx.catalog);
      if (whole) m = whole;
      bareTail = null;
      name = cutTail(rest);
    }
    if (m) {
      sku = m.product.sku;
      outName = m.product.name;
      unitPrice = typeof m.product.price === 'number' && Number.isFinite(m.product.price) ? m.product.price : unitPrice;
      catalogScore = m.score;
    }
  }
  // A request verb before it ("Naomba chipsi mayai 2 na soda 1", "Nataka chapati 10 @ 20/=") makes it a count too.
  // "mahindi choma 2 @ 30": a count, then its unit price.
  if (bareTail && (catalogScore > 0 || ctx.list || bareTail.word || wanted || ctx.sentenceWanted || priceHits.length > 0)) {
    qty = bareTail.qty;
    explicit = true;
  } else if (bareTail) {
    // Not a count after all ("Rua Augusta 1500"): keep the number in the name.
    name = cutTail(rest);
    if (ctx.catalog && !catalogScore) {
      const m = matchCatalogLoose(name, ctx.catalog);
      if (m) {
        sku = m.product.sku;
        outName = m.product.name;
        unitPrice = typeof m.product.price === 'number' && Number.isFinite(m.product.price) ? m.product.price : unitPrice;
        catalogScore = m.score;
      }
    }
    if (!sku) outName = name;
  }
  if (unitOnly && !catalogScore) return null;
  if (!sku && foldedWords.join('').replace(/[^\p{L}]/gu, '').length < 2) return null;
  const strong = explicit || priceHits.length > 0 || ctx.list || wanted || ctx.sentenceWanted;
  if (!strong && !catalogScore) return null;
  return { name: outName, sku, quantity: qty ?? 1, unitPrice, strong: strong, article: article && !wanted && !ctx.sentenceWanted && !ctx.list && !priceHits.length, catalogScore, currencyToken, counted: qty !== null, fromList: ctx.list, said: name };
}

// ---------------------------------------------------------------------------------------------

const TOTAL_FOR_RE = /^\s*(?:for|por|para|pra|pelos?|pelas?)\s+(.{2,120})$/i;
const TOTAL_WORD_RE = /(?:\b(?:grand\s+)?total(?:e|es)?\b|\b(?:bill|amount)\b(?=\s*[:=-]?\s*(?:is\s+)?(?:[₹₦$£€₵]|rs\.?\s?\d|r\$|ksh|\d))|\bsubtotal\b|\bjumla\b|\bvalor\b|\bmonto\b|\bimporte\b|\bsum\b|(?:^|\s)=\s*(?=\S))/i;
const ADDRESS_TRIGGER_RE =
  /(?:^|\s)((?:pa-?)?deliver(?:ed|y)?(?:\s+(?:it|them|am|all|everything|po))?\s+(?:to|at|in|sa)|send(?:\s+(?:it|them|am|all|everything))?\s+(?:to|come|go)|nipelekee|tupelekee|ship(?:\s+(?:it|them))?\s+to|bring(?:\s+(?:it|them|am))?\s+(?:to|come)|drop(?:\s+(?:it|them|off))?\s+(?:at|to)|i'?m\s+at|we'?re\s+at|(?:she|he|they)(?:'s|\s+is|\s+are)\s+at|kwa|i'?m\s+in|i\s+am\s+(?:at|in)|we\s+are\s+(?:at|in)|i\s+dey(?:\s+for)?|niko|tuko|nipo|tupo|(?:estoy|estamos|vivo|vivimos)\s+en|(?:estou|estamos|moro|moramos|fico|t[oô])\s+(?:na|no|em)|located\s+at|my\s+address\s+is|address(?:\s+(?:is|na|still|dey))+|(?:delivery\s+)?(?:address|site|location|direcci[oó]n|endere[cç]o|morada)\s?:|entreg(?:ar|a|ue|uen|en)(?:lo|la|los|las)?\s+(?:en|na|no|em|a|al)|env[ií](?:o|a|ar|alo|ala|alos|alas|e)\s+(?:a|pra|para|pro|en|na|no|al)|m[aá]nd(?:a|alo|ala|alos|alas|amelo|amelos|e|ar)\s+(?:a|pra|para|pro|en|al)|lev(?:a|ar|alo|ala)\s+(?:a|pra|para|en|na|al)|pro\s+endere[cç]o:?|para\s+o\s+endere[cç]o:?|a\s+domicilio:?|es\s+para|deliver|to)(?![\p{L}\p{N}])\s*:?\s*/giu;
const ADDRESS_TAIL_RE =
  /(?:^|\s)(?:deliver(?:ed)?\s+(?:to|at)|send\s+(?:it\s+)?to|bring\s+(?:it\s+)?to|address|my address|to|direcci[oó]n|endere[cç]o|entregar\s+(?:en|na|no)|entrega\s+(?:en|na|no)|env[ií]o\s+a|env[ií]ar\s+a)\s*:?\s*$/i;
const STREET_START_RE =
  /(?:^|[\s,;:])(?:(?:to|at|in|na|no|en|em|a|para|pra|pro|on)\s+)?((?:Rua|R\.|Av\.|Av|Avenida|Calle|C\/|Cerrada|Carrera|Cra\.?|Cl\.?|Cll\.?|Kr\.?|Transversal|Diagonal|Dg\.?|Jr\.|Jir[oó]n|Bv\.|Bvar\.|Bulevar|Travessa|Tv\.|Alameda|Estrada|Rodovia|Praça|Praca|Largo|Calzada|Privada|Callejón|Callejon|Camino|Paseo|Boulevard|Blvd\.?|Plot|Flat|House|Hse|Shop|Office|Apt\.?|Apartment|Suite|Block|Plaza|Colonia|Col\.|Km|Quadra|Qd\.?|Lote|Condomínio|Condominio|Edificio|Edifício|Residencial|Conjunto|Sector|Sec\.)\s)/u;
/** "pra rua Aurora, 90", "a calle 5 #12": an unambiguous street word in lower case, after a preposition. */
const PLACE_SENTENCE_RE = /^\s*\p{Lu}[\p{L}'.-]*(?:\s[\p{L}'.-]+){0,3},\s[^\d]{3,80}$/u;
const ROAD_WORD_RE = /\b(?:road|rd|street|avenue|lane|close|crescent|drive|estate|junction|roundabout|highway|rua|calle|avenida|travessa|bairro|colonia|carrera)\b/i;
const STREET_LC_RE = /(?:^|\s)(?:to|at|na|no|en|em|a|al|para|pra|pro)\s(?:(?:la|el|a|o)\s)?((?:rua|calle|avenida|av\.|travessa|carrera|calzada|alameda|estrada|cerrada|privada)\s)/i;
const EN_STREET_RE =
  /(?:^|\s)(\d{1,5}[A-Za-z]?,?\s(?:\p{Lu}[\p{L}'.-]{0,20}\s){1,4}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Crescent|Close|Way|Boulevard|Blvd|Square|Sq|Estate|Terrace|Court|Place|Park|Hill|Highway|Expressway|Lines|Cross|Market|Mall|Avenida)\b)/u;
const ADDRESS_STOP_RE =
  /\s(?:call|contact|phone|tel|cel|whats(?:app)?|mob|ring|when|once|before|after|asap|please|pls|plz|porfa|porfavor|por favor|pf|pfv|xfa|sff|se faz favor|plis|kindly|and call|thank|thanks|thx|gracias|obrigad[oa]|obg|valeu|asante|ukifika|by\s\d|at\s\d|tomorrow|today|tonight|mañana|amanhã|hoy|hoje|meu (?:zap|número|numero|cel)|mi (?:cel|número|numero|tel)|i'?ll pay|will pay|pay on|cod|abeg|biko|oya|jare|nitalipa|nitatuma|nadhani|porfis|gracias|obrigad[oa]|jumla|pago (?:con|en|por)|pagamento|le pago|te pago)\b/i;
const STREETISH_RE = /\d|,|\b(?:road|rd|street|st|avenue|ave|lane|estate|close|crescent|drive|way|rua|calle|avenida|av|col|colonia|bairro|barrio|house|flat|plot|block|apt|apto|depto|centro|market|mall|gate|stage|hall|near|opposite|opp|behind|estate|phase|sector|nagar|colony|layout|junction|area|park|village|town|city)\b/i;

export function extract(text: string, catalog: PreparedCatalog | null, rawLines: string[]): Extracted {
  const lines: Line[] = rawLines.map((t) => ({ text: t, list: false, done: false }));
  const res: Extracted = {
    name: null, labelledName: false, address: null, items: [], total: null, totalCurrency: null, firstCurrency: null,
    notes: [], pickup: false, wantVerb: false, payment: false, unparsed: 0,
  };
  const numbered = rawLines.filter((l) => NUMBERED_RE.test(l)).length >= 2;

  // --- Sign-off name, from the last lines (done first so the address block stops before it).
  findSignoff(lines, res);

  // --- Labelled lines.
  let pendingProduct: Draft | null = null;
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line || line.done) continue;
    const t = line.text;
    let m: RegExpExecArray | null;
    // Every label pattern needs a separator or a pin emoji; most prose lines skip them all.
    const maybeLabel = LABEL_HINT_RE.test(t);
    if (maybeLabel && (m = LABEL_NAME_RE.exec(t))) {
      const n = cleanName(m[1] ?? '');
      if (n && !res.labelledName) {
        res.name = n;
        res.labelledName = true;
      }
      line.done = true;
      inBlock = false;
      continue;
    }
    if (maybeLabel && (m = LABEL_QTY_RE.exec(t))) {
      const n = parseNumberToken(m[1] ?? '');
      if (pendingProduct && n) pendingProduct.quantity = n;
      line.done = true;
      continue;
    }
    if (maybeLabel && (m = LABEL_PRODUCT_RE.exec(t)) && m[1]) {
      const d = parseSegment(m[1], { catalog, list: true, sentenceWanted: false });
      if (d) {
        res.items.push(d);
        pendingProduct = d;
      }
      line.done = true;
      continue;
    }
    if ((m = LABEL_PHONE_RE.exec(t)) && /\d{3}/.test(m[1] ?? '')) {
      line.done = true;
      continue;
    }
    if (maybeLabel && (m = LABEL_NOTE_RE.exec(t))) {
      if (m[1]) res.notes.push(trimPunct(m[1]));
      line.done = true;
      continue;
    }
    if (maybeLabel && res.address && (m = LABEL_ADDRESS_EXTRA_RE.exec(t))) {
      // "Colonia: Centro" / "Landmark: opp. Shell" after the address line: part of the same address.
      const label = (m[1] ?? '').toLowerCase();
      let value = trimPunct(m[2] ?? '');
      if (/^(?:near|nearby|opp|opposite|behind|beside)/.test(label) && !/^(?:near|opp|opposite|behind|beside|by|next)/i.test(value)) value = `${m[1]} ${value}`;
      if (value && res.address.length + value.length < 200) res.address = `${res.address}, ${value}`;
      line.done = true;
      continue;
    }
    const am = maybeLabel ? LABEL_ADDRESS_RE.exec(t) ?? LABEL_ADDRESS_NOCOLON_RE.exec(t) : null;
    if (am && !/^\s*(?:deliver|delivery)\s*[:=\-–]\s*$/i.test(t)) {
      const value = (am[1] ?? '').trim();
      line.done = true;
      inBlock = false;
      if (value) {
        const first = splitSentences(value)[0] ?? value;
        const rest = value.slice(first.length).trim();
        if (!res.address) {
          res.address = cleanAddress(first);
          // "Address: 23 Ojuelegba Road\nYaba Lagos": place-shaped lines right after the value go on with it.
          if (res.address && !rest) {
            for (let j = i + 1; j < lines.length && j <= i + 4; j++) {
              const nl = lines[j];
              if (!nl || nl.done || !continuesAddress(nl.text, catalog)) break;
              if (res.address.length + nl.text.length >= 200) break;
              res.address = `${res.address}, ${trimPunct(nl.text)}`;
              nl.done = true;
            }
          }
        }
        if (rest) lines.splice(i + 1, 0, { text: rest, list: false, done: false });
      } else {
        const parts: string[] = [];
        for (let j = i + 1; j < lines.length && parts.length < 6; j++) {
          const nl = lines[j];
          if (!nl || nl.done) break;
          if (!isAddressContinuation(nl.text)) break;
          parts.push(trimPunct(nl.text));
          nl.done = true;
        }
        if (parts.length && !res.address) res.address = cleanAddress(parts.join(', '));
      }
      continue;
    }
    if (maybeLabel && (m = LABEL_ITEMS_RE.exec(t))) {
      const value = (m[1] ?? '').trim();
      if (value) line.text = value;
      else line.done = true;
      inBlock = true;
      line.list = true;
      continue;
    }
    const tail = ADDRESS_TAIL_RE.exec(t);
    if (tail) {
      const parts: string[] = [];
      for (let j = i + 1; j < lines.length && parts.length < 6; j++) {
        const nl = lines[j];
        if (!nl || nl.done || !isAddressContinuation(nl.text)) break;
        parts.push(trimPunct(nl.text));
        nl.done = true;
      }
      if (parts.length) {
        if (!res.address) res.address = cleanAddress(parts.join(', '));
        line.text = t.slice(0, tail.index);
        if (!line.text.trim()) {
          line.done = true;
          continue;
        }
      }
    }
    // A bare label naming a place ("Drop-off point:", "Punto de entrega:", "Where to deliver:") followed by
    // address-shaped lines: those lines are the address, however many there are.
    if (/:\s*$/.test(t) && !/\d/.test(t) && PLACE_LABEL_RE.test(foldAligned(t)) && !res.address) {
      const parts: string[] = [];
      for (let j = i + 1; j < lines.length && parts.length < 6; j++) {
        const nl = lines[j];
        if (!nl || nl.done || !isAddressContinuation(nl.text) || startsWithCount(nl.text)) break;
        parts.push(trimPunct(nl.text));
        nl.done = true;
      }
      if (parts.length) {
        res.address = cleanAddress(parts.join(', '));
        line.done = true;
        inBlock = false;
        continue;
      }
    }
    // A header line that only announces the order ("New order below", "Here is my order", "Pedido para entrega",
    // "Mi pedido de hoy"): it opens a list and is not an item itself.
    if (!/\d/.test(t) && isHeaderLine(t)) {
      inBlock = true;
      line.done = true;
      if (WANT_RE.test(foldAligned(t))) res.wantVerb = true;
      continue;
    }
    // A header ending with ":" ("Pls I need:", "Order for today:") opens a list.
    if (/:\s*$/.test(t) && !/\d/.test(t)) {
      inBlock = true;
      line.done = true;
      if (WANT_RE.test(foldAligned(t))) res.wantVerb = true;
      continue;
    }
    if (!t.trim()) {
      inBlock = false;
      continue;
    }
    if (BULLET_RE.test(t) && (!NUMBERED_RE.test(t) || numbered)) {
      line.list = true;
      line.text = t.replace(BULLET_RE, '');
    } else if (inBlock) line.list = true;
  }

  // --- Everything else, sentence by sentence.
  // The line an unlabelled address ended on: address-shaped lines right after it continue it
  // ("15 Admiralty Way\nLekki Phase 1\nopp. the bank").
  let addressLine = -2;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (!line || line.done) continue;
    if (addressLine === li - 1 && res.address && continuesAddress(line.text, catalog)) {
      if (res.address.length + line.text.length < 200) res.address = `${res.address}, ${trimPunct(line.text)}`;
      addressLine = li;
      continue;
    }
    const f = foldAligned(line.text);
    if (PICKUP_RE.test(f)) res.pickup = true;
    let sentenceNo = 0;
    for (const sentenceRaw of splitSentences(line.text)) {
      const listHere = line.list && sentenceNo++ === 0;
      let sentence = sentenceRaw;
      const sf = foldAligned(sentence);
      if (/^\s*(?:call|ring|text|llama|liga|ligue|contact)\b/.test(sf) && !/\d\s*x|\bx\s*\d/.test(sf)) {
        res.notes.push(trimPunct(sentence));
        continue;
      }
      if (NOTE_RE.test(sf.replace(LEAD_JUNK_RE, ''))) {
        res.notes.push(trimPunct(sentence));
        continue;
      }
      // A payment sentence ("I paid R1,160 via EFT", "Mpesa nimetuma 1,190 code SJK4R7") says how the order is paid,
      // not what is in it, unless it also opens with a count or names a catalog product.
      if (isPaymentSentence(sf) && !startsWithCount(sentence) && !(catalog && splitSegments(sentence).some((x) => matchCatalog(x, catalog)))) {
        res.notes.push(trimPunct(sentence));
        res.payment = true;
        continue;
      }
      // Totals.
      if (TOTAL_WORD_RE.test(sentence)) {
        const kept: string[] = [];
        for (const part of sentence.split(/(?<!\d),|,(?!\d)/)) {
          const tm = TOTAL_WORD_RE.exec(part);
          if (!tm) {
            kept.push(part);
            continue;
          }
          // "2 bread = 7,500": the words before the total are still an item.
          const head = part.slice(0, tm.index);
          if (HAS_LETTER.test(head) && /\d/.test(head)) kept.push(head);
          const money = findMoney(part).filter((h) => h.index >= tm.index - 16);
          const hit = money.find((h) => h.index >= tm.index) ?? money[money.length - 1];
          if (!hit && HAS_LETTER.test(head)) {
            // "opposite Total petrol station": the word names a place, not an amount.
            kept.push(part);
            continue;
          }
          if (hit) {
            res.total = hit.value;
            if (hit.currencyToken) res.totalCurrency = hit.currencyToken;
            // "Total 7.5k for 3 jollof": what the total is for is still an item.
            const forTail = TOTAL_FOR_RE.exec(part.slice(hit.end));
            if (forTail && HAS_LETTER.test(forTail[1] ?? '')) kept.push(forTail[1] ?? '');
          }
        }
        sentence = kept.join(',');
        if (!sentence.trim()) continue;
      }
      // Address written in prose.
      const addr = findProseAddress(sentence);
      if (addr) {
        if (!res.address) {
          res.address = cleanAddress(addr.address);
          // Only an address that runs to the end of its line can go on on the next line.
          if (res.address && sentenceRaw === line.text && sentence.replace(/[\s,.;:!?-]+$/, '').endsWith(addr.address)) addressLine = li;
        }
        // "… y 1 paquete de papas a la Calle 53": the preposition before the address goes with it.
        sentence = sentence.slice(0, addr.start).replace(/\s(?:a|al|a la|para|para la|pa la|pra|pra a|pro|na|no|em|en|en la|to|at|for|kwa)\s*$/i, '');
        if (addr.tail) sentence = `${sentence}, ${addr.tail}`;
        if (!sentence.trim()) continue;
      }
      // "C-45, Lajpat Nagar 2, Delhi" / "Gorriti 4820, Palermo" after the items: a sentence made of place parts.
      if (!res.address && res.items.length && looksLikeAddressSentence(sentence, catalog)) {
        res.address = cleanAddress(sentence);
        addressLine = li;
        continue;
      }
      // "Kasoa, new market road, blue gate.": a sentence of comma-separated place parts with a road word and no count.
      if (!res.address && PLACE_SENTENCE_RE.test(sentence) && ROAD_WORD_RE.test(sentence) && !findMoney(sentence).length && !WANT_RE.test(foldAligned(sentence))) {
        res.address = cleanAddress(sentence);
        addressLine = li;
        continue;
      }
      if (PICKUP_START_RE.test(foldAligned(sentence).replace(LEAD_JUNK_RE, ''))) continue;
      // "A nombre de Ricardo Peña." / "In the name of Mrs Okoro" / "Em nome de Ana": a name in prose.
      // "Soy Karla", "Sou a Juliana", "Me llamo Rosa", "This is Mike": who is writing, when it is name-shaped.
      const si = SELF_INTRO_RE.exec(sentence.trim());
      if (si) {
        const n = validSignoffName(si[1] ?? '');
        if (n) {
          if (!res.labelledName) {
            res.name = n;
            res.labelledName = true;
          }
          continue;
        }
      }
      const nm = IN_NAME_OF_RE.exec(sentence.trim());
      if (nm) {
        const n = validSignoffName(cleanName(nm[1] ?? '') ?? '');
        if (n && !res.labelledName) {
          res.name = n;
          res.labelledName = true;
        }
        continue;
      }
      let segs = splitSegments(sentence);
      // "3 boerewors rolls and 2 cokes for R145": an amount after "for" closing a list of several items is what
      // they cost together, not the last item's price.
      if (segs.length >= 2 && res.total === null) {
        const lastSeg = segs[segs.length - 1] ?? '';
        const hits = findMoney(lastSeg);
        const h = hits[hits.length - 1];
        // Not when the other items carry their own prices ("1 TV por R$ 1.299,90 e 1 suporte por R$ 89,90").
        const othersPriced = segs.slice(0, -1).some((x) => findMoney(x).some((mh) => mh.marked));
        if (h && h.marked && !othersPriced && LIST_FOR_BEFORE_RE.test(lastSeg.slice(0, h.index)) && /^[\s.!?]*$/.test(lastSeg.slice(h.end))) {
          res.total = h.value;
          if (h.currencyToken) res.totalCurrency = h.currencyToken;
          segs = [...segs.slice(0, -1), lastSeg.slice(0, h.index).replace(LIST_FOR_BEFORE_RE, '')];
        }
      }
      let sentenceWanted = false;
      for (let si = 0; si < segs.length; si++) {
        const seg = segs[si] ?? '';
        // "…, chapo 6 na sukuma 2 kwa ofisi, Upper Hill, Britam Tower floor 18": once items are read, a segment that
        // is a place starts the address, and the rest of the sentence goes with it.
        if (!res.address && res.items.length && si > 0) {
          const place = placeSegment(seg, catalog);
          if (place !== null) {
            let a = [place, ...segs.slice(si + 1)].join(', ');
            const stop = ADDRESS_STOP_RE.exec(' ' + a);
            if (stop) a = a.slice(0, Math.max(0, stop.index - 1));
            res.address = cleanAddress(a);
            if (res.address && si === segs.length - 1 && sentenceRaw === line.text) addressLine = li;
            break;
          }
        }
        if (NOTE_RE.test(foldAligned(seg).replace(LEAD_JUNK_RE, ''))) {
          res.notes.push(trimPunct(seg));
          continue;
        }
        const segFolded = foldAligned(seg).replace(LEAD_JUNK_RE, '');
        if (PICKUP_START_RE.test(segFolded)) {
          // "…, will collect 1pm" / "…, passo aí 18h": coming to the shop, not a product.
          res.pickup = true;
          continue;
        }
        const segWanted = WANT_RE.test(segFolded);
        const joined = catalog ? splitCatalogConjunction(seg, catalog, listHere, sentenceWanted || segWanted) : null;
        if (joined) {
          if (segWanted) {
            res.wantVerb = true;
            sentenceWanted = true;
          }
          res.items.push(...joined);
          continue;
        }
        let d = parseSegment(seg, { catalog, list: listHere, sentenceWanted });
        // "2 açaí de 300, 2 de 500": the product of the item before, in another size or flavour.
        if (catalog && (!d || !d.sku)) d = ellipsisItem(seg, res.items[res.items.length - 1], catalog) ?? d;
        if (segWanted) {
          res.wantVerb = true;
          // "Could I order 4 sausage rolls and a Victoria sponge": the request covers the rest of the sentence.
          sentenceWanted = true;
        }
        if (d) {
          res.items.push(d);
        } else if (/^\s*(?:\p{Sc}|MX\$|R\$|KSh|Rs\.?)\s?\d/u.test(seg) || /^\s*\d[\d.,]*\s?k\b/i.test(seg)) {
          // A price on its own after an item ("1 pastel grande, MX$850, ...") belongs to that item.
          const last = res.items[res.items.length - 1];
          const money = findMoney(seg)[0];
          if (last && money && last.unitPrice === null && money.marked) {
            last.unitPrice = money.value;
            last.currencyToken = money.currencyToken;
          }
        } else if (hasContent(seg)) res.unparsed++;
      }
    }
  }

  // "… levanto ao meio-dia. Manuela": a lone capitalised word closing the message may be who is writing (a name the
  // parser does not take, since such a word is as often a verb); the customer's name is then a guess.
  if (!res.name) {
    let last = '';
    for (let i = rawLines.length - 1; i >= 0 && !last; i--) last = (rawLines[i] ?? '').trim();
    const sents = splitSentences(last);
    if (sents.length && loneName(sents[sents.length - 1] ?? '')) res.unparsed++;
  }
  // "… $1.800 c/u los pandebonos cierto?": a product named again without a count is a remark about the one
  // already ordered, not a second line.
  res.items = res.items.filter((d, i) => d.counted || !d.sku || !res.items.some((o, j) => j < i && o.sku === d.sku));
  for (const it of res.items) {
    if (it.currencyToken) {
      res.firstCurrency = it.currencyToken;
      break;
    }
  }
  return res;
}

const ELLIPSIS_RE = /^\s*(\d{1,3})\s+(?:de|of|da|do|del)\s+([\p{L}\p{N}][\p{L}\p{N}'-]{0,20})\s*[.!]?$/u;

/** "2 de 500" after "2 açaí de 300": the earlier product's words with the new size or variant, if the catalog has it. */
function ellipsisItem(seg: string, prev: Draft | undefined, catalog: PreparedCatalog): Draft | null {
  if (!prev || !prev.sku) return null;
  const m = ELLIPSIS_RE.exec(seg);
  if (!m || !m[1] || !m[2]) return null;
  const head = prev.name.split(/\s+/).filter((w) => !/\d/.test(w)).join(' ');
  if (!head) return null;
  const hit = matchCatalog(`${head} ${m[2]}`, catalog);
  if (!hit || hit.product.sku === prev.sku || hit.score < 0.9) return null;
  const price = typeof hit.product.price === 'number' && Number.isFinite(hit.product.price) ? hit.product.price : null;
  return { name: hit.product.name, sku: hit.product.sku, quantity: Number(m[1]), unitPrice: price, strong: true, article: false, catalogScore: Math.min(hit.score, 0.85), currencyToken: null, counted: true, fromList: prev.fromList };
}

/** "Queria saber se…", "I'd like to know…", "quisiera preguntar…": a request to know, not for goods. */
const INQUIRY_START_RE = /^(?:to\s+)?(?:know|ask|find out|check|enquire|inquire|confirm if|confirm whether|saber|preguntar|perguntar|consultar|tirar uma duvida|confirmar se|confirmar si|hablar|falar|kujua|kuuliza|kuulizia|pregunta|pergunta)\b/;
const SELF_INTRO_PREFIX_RE =
  /^(?:(?:hi|hello|hola|oi|ola|olá|buenas|good (?:morning|afternoon|evening)),?\s+)?(?:soy|sou(?:\s+(?:a|o))?|me llamo|me chamo|my name'?s|this is|aqu[ií] (?:es|[eé]) (?:a |o )?|les? (?:habla|escribe)|te (?:habla|escribe))\s+/i;
const SELF_INTRO_NAME_RE = /^(\p{Lu}[\p{L}'’.-]*(?:\s\p{Lu}[\p{L}'’.-]*){0,2})\s*[.!]?$/u;
const SELF_INTRO_RE = {
  exec(s: string): [string, string] | null {
    const p = SELF_INTRO_PREFIX_RE.exec(s);
    if (!p) return null;
    const n = SELF_INTRO_NAME_RE.exec(s.slice(p[0].length));
    return n && n[1] ? [s, n[1]] : null;
  },
};
const IN_NAME_OF_RE =
  /^(?:(?:it'?s\s+)?(?:in|under)\s+the\s+name\s+(?:of\s+)?|under\s+the\s+name\s+|(?:my\s+)?name\s+is\s+|(?:my\s+)?name'?s\s+|(?:a|en|al)\s+nombre\s+de\s+|mi\s+nombre\s+es\s+|(?:mi\s+nombre|my\s+name|meu\s+nome|nombre|nome|name|jina|naam)\s*:\s*|(?:em|no|a)\s+nome\s+d[eao]\s+|meu\s+nome\s+[eé]\s+)([^\n]{2,40}?)[.!]?$/iu;
const STREET_WORD_START_RE = /^(?:rua|r\.|av\.?|avenida|calle|carrera|cra\.?|travessa|alameda|estrada|plot|flat|house|block|no\.?|km|quadra|colonia|col\.)\s/i;
const PRESENCE_TRIGGER_RE = /^(?:i'?m\s+in|i\s+am\s+(?:at|in)|we\s+are\s+(?:at|in)|i\s+dey|niko|tuko|nipo|tupo|estoy|estamos|vivo|vivimos|estou|moro|moramos|fico|t[oô])\b/;
const LIST_FOR_BEFORE_RE = /\s(?:for|por|pelos?|pelas?)\s*$/i;
const CONJ_SPLIT_RE = /\s(?:and|y|e|n|&|plus|\+|with|com|con|na|aur)\s/i;

/**
 * "I want jollof rice and chicken", "quero coxinha e guaraná", "2 waakye and kelewele": items joined by a
 * conjunction without counts. Split only when every part names a catalog product on its own and the whole
 * phrase is not itself one product ("Rice and Beans" in the catalog stays one item).
 */
function splitCatalogConjunction(seg: string, catalog: PreparedCatalog, list: boolean, wanted: boolean): Draft[] | null {
  if (!CONJ_SPLIT_RE.test(seg)) return null;
  const parts = seg.split(CONJ_SPLIT_RE).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2 || parts.length > 6) return null;
  const whole = parseSegment(seg, { catalog, list, sentenceWanted: wanted });
  if (whole && whole.catalogScore >= 1) return null;
  const out: Draft[] = [];
  for (const p of parts) {
    const d = parseSegment(p, { catalog, list, sentenceWanted: wanted });
    // "1 açaí 700 com granola extra e ninho extra": when the whole is itself only a loose match, a part after the
    // first may be one too (leading words of a product), as long as each part names a different product.
    if (!d || d.catalogScore < (out.length && !(whole && whole.catalogScore >= 0.9) ? 0.8 : 0.9) || out.some((o) => o.sku === d.sku)) return null;
    out.push(d);
  }
  return out;
}

/** Label words that name where the goods go (a bare "…:" line before the address lines). */
const PLACE_LABEL_RE =
  /\b(?:drop[- ]?off|dropoff|delivery (?:point|location|spot|place|area)|meeting point|where(?: to)?(?: deliver| drop| send)?|punto de (?:entrega|encuentro)|lugar de entrega|ponto de (?:entrega|encontro)|local de entrega|entregar (?:en|em|no|na|a)|deliver (?:to|at)|send (?:to|it to)|address|addr|adress|direcci[oó]n|endere[cç]o|morada|domicilio|location|ubicaci[oó]n|localiza[cç][aã]o)\b/;
/** Words an order-announcing header line is made of, besides fillers and header nouns. */
const HEADER_EXTRA = new Set(
  'below here heres here\'s follows following as is this these attached details list goes placing place an a um uma un una abaixo segue seguinte seguem sigue siguiente siguientes continuacion aqui aca entrega entregar detalles detalhes please tomorrow tonight manana amanha hoje hoy week weekly semana our mine kindly thanks that it\'s its update updated semanal mensal monthly month mes'.split(' '),
);
const ORDER_NOUNS = new Set(['order', 'orders', 'pedido', 'pedidos', 'orden', 'encomenda', 'encomendas', 'list', 'lista', 'items', 'compras']);

/** "New order below", "Here's my order for tomorrow", "Pedido para entrega": only announces the list that follows. */
const ORDER_NOUN_HINT_RE = /order|pedido|orden|encomenda|list|items|compras/i;
function isHeaderLine(t: string): boolean {
  if (!ORDER_NOUN_HINT_RE.test(t)) return false;
  const toks = foldAligned(t).replace(/[^\p{L}\s']+/gu, ' ').split(/\s+/).filter(Boolean);
  if (!toks.length || toks.length > 8) return false;
  let noun = false;
  for (const w of toks) {
    if (ORDER_NOUNS.has(w)) noun = true;
    else if (!FILLERS.has(w) && !HEADER_WORDS.has(w) && !HEADER_EXTRA.has(w)) return false;
  }
  return noun;
}

/** A sentence about paying: the payment word comes in its first words ("I paid …", "Mpesa nimetuma …", "Le pago por
 * Nequi"), not as a trailing "… por R$ 3.450 no pix" on a sentence that names the goods. */
function isPaymentSentence(folded: string): boolean {
  const m = PAYMENT_RE.exec(folded);
  if (!m) return false;
  const before = folded.slice(0, m.index).replace(LEAD_JUNK_RE, '').trim();
  return !before || before.split(/\s+/).length <= 3;
}

/** "… levanto ao meio-dia. Manuela": one capitalised word left over may be who is writing; the name is a guess then. */
function loneName(seg: string): boolean {
  const w = seg.trim().replace(/[.!]+$/, '');
  if (!/^\p{Lu}[\p{L}'’-]{2,20}$/u.test(w)) return false;
  const f = foldTok(w);
  return !FILLERS.has(f) && !HEADER_WORDS.has(f) && !HEADER_EXTRA.has(f) && !NOT_NAMES.has(f) && !SIGNOFF_ONLY_RE.test(w) && !LEAD_TIME_WORDS.has(f);
}

/** Whether a segment that produced nothing had words worth reading (not only greetings, politeness or sign-offs). */
const GREETING_WORDS = new Set('hi hello hey hola buenas buenos buen good morning afternoon evening oi ola bom boa habari jambo namaste salam sasa niaje'.split(' '));
/** "Good evening Iya Basira 🙏🏾", "Don Beto buenas tardes": a greeting to the seller by name. "For Saturday's braai pls",
 * "Para el cumple": what the order is for. Neither is a part of the order the parser failed to read. */
function greetingOrPurpose(seg: string): boolean {
  const toks = seg.trim().split(/\s+/).map(foldTok).filter(Boolean);
  if (!toks.length || toks.length > 6 || toks.some((t) => /\d/.test(t))) return false;
  const first = toks[0] ?? '';
  const last = toks[toks.length - 1] ?? '';
  if (GREETING_WORDS.has(first) || (GREETING_WORDS.has(toks[toks.length - 2] ?? '') && LEAD_TIME_WORDS.has(last)) || GREETING_WORDS.has(last)) return true;
  return (first === 'for' || first === 'para' || first === 'pra') && toks.length <= 5;
}

function hasContent(seg: string): boolean {
  if (greetingOrPurpose(seg)) return false;
  let n = 0;
  for (const tok of seg.split(/\s+/)) {
    const w = foldTok(tok);
    if (w.length < 3 || !HAS_LETTER.test(w) || FILLERS.has(w) || HEADER_WORDS.has(w) || HEADER_EXTRA.has(w) || SIGNOFF_ONLY_RE.test(w)) continue;
    if (++n >= 2) return true;
  }
  return false;
}

/** A line that opens with a count ("2 jollof", "3x", "two"): an item line, not an address line. */
function startsWithCount(t: string): boolean {
  const s = t.replace(BULLET_RE, '').replace(LEAD_JUNK_RE, '');
  if (/^\d{1,3}\s?(?:[x×]\s|pcs\b|nos\b|kg\b|pkt)/i.test(s)) return true;
  if (/^\d{1,3}\s+\p{Ll}/u.test(s) && !/\b(?:street|st|road|rd|avenue|ave|lane|close|crescent|drive|way)\b/i.test(s)) return true;
  return NUMBER_WORDS.has(foldTok(s.split(/\s+/)[0] ?? '')) && !ARTICLES.has(foldTok(s.split(/\s+/)[0] ?? ''));
}

const PLACE_CONNECTORS = new Set(['de', 'da', 'do', 'del', 'la', 'el', 'ya', 'na', 'wa', 'of', 'the', 'near', 'opp', 'opposite', 'behind', 'karibu', 'next', 'to', 'by', 'em', 'en', 'no', 'apto', 'apt', 'piso', 'andar', 'depto', 'casa', 'house', 'hse', 'flat', 'plot', 'block', 'shop', 'stall', 'floor', 'oficina', 'office', 'int', 'y', 'e', 'and', 'ap']);

const STREET_WORD_RE = /\b(?:road|rd|street|st|avenue|ave|lane|estate|close|crescent|drive|way|rua|calle|avenida|av|col|colonia|bairro|barrio|house|hse|flat|plot|block|apt|apto|depto|departamento|apartamento|centro|market|mercado|mall|gate|stage|hall|near|opposite|opp|behind|phase|sector|nagar|colony|layout|junction|area|park|village|town|city|tower|towers|floor|fl|piso|andar|building|edificio|edif[ií]cio|office|oficina|shop|stall|banca|bypass|site|mtaa|nyumba|karibu|perto|junto|cerca|frente|esquina|corner|broadway|condominio|conjunto|torre|casa|quadra|lote)\b/i;
const PLACE_LEAD_RE = /^(?:(?:tuko|niko|nipo|tupo|kwa|para(?:\s+(?:o|a|la|el))?|pra|a|al|a la|en|na|no|em|to|at|deliver(?:\s+to)?|send(?:\s+to)?|bring(?:\s+to)?)\s+)/i;

/** The place a segment names ("kwa ofisi" -> null, "Upper Hill" -> "Upper Hill", "tuko site ya Ruiru bypass"), or null. */
function placeSegment(seg: string, catalog: PreparedCatalog | null): string | null {
  let s = seg.trim().replace(/[.!?]+$/, '');
  const lead = PLACE_LEAD_RE.exec(s);
  if (lead) s = s.slice(lead[0].length);
  const ws = s.split(/\s+/).filter(Boolean);
  if (!ws.length || ws.length > 8 || s.length > 80) return null;
  const f = foldAligned(s);
  if (WANT_RE.test(f) || PAYMENT_RE.test(f) || NOTE_RE.test(f) || PICKUP_RE.test(f) || PICKUP_START_RE.test(foldAligned(seg.trim())) || findMoney(s).some((h) => h.marked)) return null;
  if (ws.some((w) => TIME_WORDS.has(foldTok(w)) || TIME_TOKEN_RE.test(w))) return null;
  if (startsWithCount(s) || /^\d{1,2}\s+\p{L}/u.test(s) && !STREET_WORD_RE.test(s)) return null;
  // "5 2m pra praia …": a count before a product the catalog sells is an item, whatever place follows it.
  const counted = /^\d{1,3}\s+(\S+)/.exec(s);
  if (counted && catalog && matchCatalog(counted[1] ?? '', catalog)) return null;
  if (catalog && matchCatalog(s, catalog)) return null;
  const caps = ws.filter((w) => /^\p{Lu}/u.test(w)).length;
  const streety = STREET_WORD_RE.test(s);
  if (!/^(?:\p{Lu}|\d)/u.test(s) && !(lead && streety && /\p{Lu}|\d/u.test(s))) return null;
  if (streety || caps >= 2 || (lead && caps >= 1 && /\d/.test(s))) return s;
  return null;
}

/** A sentence that is only an address: comma-separated place parts, with a number or a place word, nothing asked. */
function looksLikeAddressSentence(s: string, catalog: PreparedCatalog | null): boolean {
  const t = s.trim().replace(/[.!]+$/, '');
  if (t.length > 110 || !t.includes(',') || !/^(?:\p{Lu}|\d)/u.test(t) || startsWithCount(t)) return false;
  const parts = t.split(',').map((x) => x.trim()).filter(Boolean);
  if (parts.length < 2 || parts.length > 6 || parts.some((x) => x.split(/\s+/).length > 6)) return false;
  if (!/\d/.test(t) && !STREETISH_RE.test(t.replace(/,/g, ' '))) return false;
  const f = foldAligned(t);
  if (WANT_RE.test(f) || PAYMENT_RE.test(f) || NOTE_RE.test(f) || findMoney(t).some((h) => h.marked)) return false;
  let lower = 0;
  for (const w of t.split(/[\s,]+/)) {
    if (!w || /^[\d#º°-]/u.test(w) || /^\p{Lu}/u.test(w) || PLACE_CONNECTORS.has(foldTok(w)) || STREETISH_RE.test(w)) continue;
    lower++;
  }
  if (lower > 1) return false;
  return !(catalog && parts.some((x) => matchCatalog(x, catalog)));
}

/** A line that goes on with the address above it: place-shaped, no count, no price, no product. */
function continuesAddress(t: string, catalog: PreparedCatalog | null): boolean {
  if (!isAddressContinuation(t) || startsWithCount(t) || BULLET_RE.test(t)) return false;
  const f = foldAligned(t);
  if (WANT_RE.test(f) || NOTE_RE.test(f) || PAYMENT_RE.test(f) || SIGNOFF_ONLY_RE.test(t.trim())) return false;
  if (LABEL_HINT_RE.test(t) && /^[^:]{1,30}:/.test(t)) return false;
  // "when you reach gate", "please call first": an instruction, not a place.
  if (ADDRESS_STOP_RE.exec(' ' + t)?.index === 0 || /^(?:if|as soon|once|when|wen)\b/i.test(t.trim())) return false;
  if (catalog && matchCatalog(t, catalog)) return false;
  // A place part: a street/area word, a house number, or capitalised words ("Lekki Phase 1", "Centro, Niterói").
  // "Botafogo - Rio de Janeiro": place names joined by a dash or by de/da/do keep their shape.
  return STREETISH_RE.test(t) || /^\p{Lu}[\p{L}'.-]*(?:(?:[\s,]+|\s[-–]\s)(?:(?:de|da|do|dos|das|del|la|el)\s)?[\p{Lu}\d][\p{L}\d'.-]*){0,5}$/u.test(t.trim());
}

function cleanAddress(s: string): string | null {
  let a = s.replace(/\+?\(?\d[\d\s().-]{7,}\d/g, ' ');
  a = a.replace(/^(?:[^\p{L}\p{N}]|\s)+/u, '').replace(/[\s,;:!?-]+$/u, '').replace(/\.$/, (d) => (/\b\p{Lu}[\p{L}]{0,3}\.$/u.test(a) ? d : ''));
  a = collapse(a);
  return a.length >= 3 && a.length <= 200 ? a : null;
}

function isAddressContinuation(t: string): boolean {
  const s = t.trim();
  if (!s) return false;
  const f = foldAligned(s);
  if (LABEL_NAME_RE.test(s) || LABEL_PHONE_RE.test(s) || LABEL_NOTE_RE.test(s) || LABEL_ITEMS_RE.test(s)) return false;
  if (NOTE_RE.test(f) || PICKUP_RE.test(f) || TOTAL_WORD_RE.test(s)) return false;
  if (/^(?:thanks|thank|gracias|obrigad|regards|cheers|saludos|atte|bjs|will|i |pls|please|call|kindly)\b/.test(f)) return false;
  if (/^\+?\(?\d[\d\s().-]{7,}\d$/.test(s)) return false;
  if (/(?:^|\s)(?:\d{1,4}\s?[x×]|[x×]\s?\d{1,4})(?:\s|$)/i.test(s)) return false;
  if (findMoney(s).some((h) => h.marked)) return false;
  return s.length <= 80;
}

/** "Av. Córdoba 1200, piso 8: 12 de carne, …": a colon followed by a count ends the address; the list follows it. */
function cutAtListColon(cand: string): { cand: string; tail: string | null } {
  const re = /:\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cand)) !== null) {
    const tail = cand.slice(m.index + m[0].length);
    if (tail && startsWithCount(tail)) return { cand: cand.slice(0, m.index), tail };
  }
  return { cand, tail: null };
}

/** A comma-separated, capitalised place part right before a point in the text ("Bahria Town Phase 7, "). */
const PLACE_PART_BEFORE_RE =
  /(?:^|,\s*|[^\p{L}\p{N}\s,.'’-]\s*)((?:\p{Lu}[\p{L}'’.-]*|\d{1,5}[A-Za-z]?)(?:\s(?:\p{Lu}[\p{L}'’.-]*|\d{1,5}[A-Za-z]?|de|da|do|del|of|the)){0,5}),\s*$/u;

function findProseAddress(sentence: string): { address: string; start: number; tail?: string | null } | null {
  ADDRESS_TRIGGER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ADDRESS_TRIGGER_RE.exec(sentence)) !== null) {
    const trig = foldAligned(m[1] ?? '');
    const startVal = m.index + m[0].length;
    let cand = sentence.slice(startVal);
    const generic = trig === 'to' || trig === 'deliver' || trig === 'kwa';
    // "I'm in / I dey / estoy en / moro na …" say where the customer is; what follows must look like a place.
    const presence = PRESENCE_TRIGGER_RE.test(trig);
    if (presence) {
      // "niko stage ya Githurai 44": lower case is fine when the words are place words.
      if (!/^(?:\d|\p{Lu})/u.test(cand) && !STREET_WORD_START_RE.test(cand) && !/^(?:\p{L}+\s){0,2}(?:stage|estate|junction|market|mall|gate|area|town|sector|phase|plot|block|house|hse|kwa|near|opposite|opp|karibu)\b/iu.test(cand)) continue;
    } else if (generic) {
      if (!/^(?:\d|\p{Lu})/u.test(cand)) continue;
      if (trig === 'deliver' && /^\d/.test(cand)) continue;
    } else if (!cand.trim()) continue;
    const lc = cutAtListColon(cand);
    cand = lc.cand;
    const stop = ADDRESS_STOP_RE.exec(' ' + cand);
    if (stop) cand = cand.slice(0, Math.max(0, stop.index - 1));
    cand = cand.replace(/[\s,.;:!?-]+$/, '');
    if (!cand || cand.length < 3) continue;
    if ((generic || presence) && !STREETISH_RE.test(cand)) continue;
    // Never swallow items: "deliver 4 Eva water and 2 Five Alive".
    if (/(?:^|\s)(?:\d{1,3}\s?[x×]\s|[x×]\s?\d)/i.test(cand)) continue;
    if (/^\s*(?:me|us|it|them|my|the|i|you|our)\b/i.test(cand)) continue;
    return { address: cand, start: m.index, tail: lc.tail };
  }
  const sm = STREET_START_RE.exec(sentence) ?? EN_STREET_RE.exec(sentence) ?? STREET_LC_RE.exec(sentence);
  if (sm && sm[1]) {
    let start = sm.index + sm[0].indexOf(sm[1]);
    // "… bhej do 🙏 Bahria Town Phase 7, Street 12, House 45": the capitalised place parts listed before the street
    // word belong to the address too.
    for (let guard = 0; guard < 4; guard++) {
      const pm = PLACE_PART_BEFORE_RE.exec(sentence.slice(0, start));
      if (!pm || !pm[1] || !STREET_WORD_RE.test(pm[1]) || WANT_RE.test(foldAligned(pm[1]))) break;
      start = pm.index + pm[0].indexOf(pm[1]);
    }
    const lc = cutAtListColon(sentence.slice(start));
    let cand = lc.cand;
    const stop = ADDRESS_STOP_RE.exec(' ' + cand);
    if (stop) cand = cand.slice(0, Math.max(0, stop.index - 1));
    cand = cand.replace(/[\s,.;:!?-]+$/, '');
    if (/\d/.test(cand) || cand.includes(',')) {
      // Address words at the very start, or after a preposition: "Es para Calle Morelos 88".
      const before = sentence.slice(0, start);
      if (!/\d\s*$/.test(before) || EN_STREET_RE.test(cand)) return { address: cand, start: sm.index, tail: lc.tail };
    }
  }
  return null;
}

function findSignoff(lines: Line[], res: Extracted): void {
  // Last non-empty line.
  let li = lines.length - 1;
  while (li >= 0 && !(lines[li]?.text ?? '').trim()) li--;
  if (li < 0) return;
  const last = lines[li];
  if (!last) return;
  const t = last.text.trim();
  // "Thanks\nRahul"
  const prev = li > 0 ? lines[li - 1] : undefined;
  if (prev && SIGNOFF_ONLY_RE.test(prev.text.trim())) {
    const n = validSignoffName(t.replace(/^[-–—~]\s*/, ''));
    if (n) {
      res.name = n;
      last.done = true;
      prev.done = true;
      return;
    }
  }
  const sm = SIGNOFF_TAIL_RE.exec(t);
  if (sm && sm[1]) {
    const n = validSignoffName(cleanName(sm[1]) ?? '');
    if (n) {
      res.name = n;
      last.text = t.slice(0, sm.index + (/^[.!?,;]/.test(sm[0]) ? 1 : 0));
      if (!last.text.trim()) last.done = true;
      return;
    }
  }
  // "… I'll collect. Mrs. Reddy", "Vou buscar dia 23. Sandra Nunes": a name as the last sentence.
  const sents = splitSentences(t);
  if (sents.length >= 2) {
    const lastS = (sents[sents.length - 1] ?? '').replace(/[.!]+$/, '');
    // "Ntalipa M-Pesa", "Pago por Nequi": how the customer pays, not who is writing.
    const bare = SIGNOFF_ONLY_RE.test(lastS) || FILLERS.has(foldAligned(lastS)) || PAYMENT_RE.test(foldAligned(lastS)) || NOTE_RE.test(foldAligned(lastS)) || /\d/.test(lastS) || SELF_INTRO_PREFIX_RE.test(lastS) || FILLERS.has(foldTok(lastS.split(/\s+/)[0] ?? ''));
    // Two or three words: a lone capitalised word is as often a verb ("Liga", "Nitakupigia") as a name.
    const nw = lastS.split(/\s+/).length;
    const n = !bare && nw >= 2 && nw <= 3 ? validSignoffName(lastS) : null;
    if (n && !res.name) {
      res.name = n;
      res.nameGuessed = true;
      last.text = t.slice(0, t.lastIndexOf(sents[sents.length - 1] ?? '')).trim();
      if (!last.text) last.done = true;
      return;
    }
  }
  const dm = DASH_NAME_RE.exec(t);
  if (dm && dm[1]) {
    const n = validSignoffName(dm[1]);
    if (n && !/\d\s*$/.test(t.slice(0, dm.index))) {
      res.name = n;
      res.nameGuessed = true;
      last.text = t.slice(0, dm.index);
      if (!last.text.trim()) last.done = true;
    }
  }
}

export function toItems(drafts: Draft[]): ParsedItem[] {
  return drafts.map((d) => ({ name: d.name, sku: d.sku, quantity: d.quantity, unitPrice: d.unitPrice }));
}

export type { CatalogProduct };
