// Recognises a customer changing their own open order by message (`add 2 more bread`, `make it 3
// instead of 2`, `remove the chicken`, in en/es/pt), asking for "same as last time", and answering
// YES to the repeat offer; and applies a change to an order's items. Strict like self-cancel.ts
// (whose normalising it shares): the whole message must be the request, and it is bounded.
import type { Language, OrderItem, Product } from '../events/catalog.ts';
import { HELLO, normalise } from './self-cancel.ts';

export type SelfEditRequest =
  | { kind: 'add'; quantity: number; item: string; language: Language }
  | { kind: 'replace'; to: number; from: number | null; item: string | null; language: Language }
  | { kind: 'remove'; item: string; language: Language };

const MAX_LENGTH = 160;
const MAX_QUANTITY = 9999;

const WORDS: Record<string, number> = {
  a: 1, an: 1, another: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  un: 1, uno: 1, una: 1, otro: 1, otra: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  um: 1, uma: 1, outro: 1, outra: 1, dois: 2, duas: 2, quatro: 4, sete: 7, oito: 8, nove: 9, dez: 10,
};
const N = String.raw`(\d{1,4}|${Object.keys(WORDS).sort((a, b) => b.length - a.length).join('|')})`;
const PLEASE = String.raw`(?: (?:please|pls|plz|thanks|thank you|por favor|porfa|gracias|pfv|pf|obrigad[oa]|valeu))*`;
const ITEM = String.raw`([\p{L}\p{N}][\p{L}\p{N}' ]{0,79}?)`;

function quantityOf(word: string | undefined): number | null {
  if (word === undefined) return null;
  const n = /^\d+$/.test(word) ? Number(word) : WORDS[word];
  return n !== undefined && n > 0 && n <= MAX_QUANTITY ? n : null;
}

const ADD: ReadonlyArray<{ language: Language; re: RegExp }> = [
  { language: 'en', re: new RegExp(String.raw`^${HELLO}(?:(?:please|pls|kindly) )?(?:(?:can you|could you|i want to|i'd like to) )?(?:also )?(?:add|plus) (?:${N} )?(?:more |extra )?${ITEM}(?: more| extra| too| as well| to (?:my|the) order)*${PLEASE}$`, 'u') },
  { language: 'es', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:(?:puedes|podrias) )?(?:agrega|agregame|agregale|agregar|agregue|anade|anademe|anadir|suma|sumale|ponme|pon) (?:${N} )?(?:mas )?${ITEM}(?: mas| tambien| al pedido| a mi pedido)*${PLEASE}$`, 'u') },
  { language: 'pt', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:(?:pode|podes) )?(?:adiciona|adicionar|adicione|acrescenta|acrescentar|acrescente|coloca|coloque|poe|bota|manda) (?:mais )?(?:${N} )?(?:mais )?${ITEM}(?: a mais| tambem| no pedido| ao pedido| no meu pedido)*${PLEASE}$`, 'u') },
];

const REPLACE: ReadonlyArray<{ language: Language; re: RegExp }> = [
  { language: 'en', re: new RegExp(String.raw`^${HELLO}(?:(?:please|pls) )?(?:make it|make that|change it to|change that to|change to|i want|i need) ${N}(?: ${ITEM})? instead of ${N}(?: ${ITEM})?${PLEASE}$`, 'u') },
  { language: 'es', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:mejor |que sean |cambialo a |cambia a |hazlo |hazlos |ponlo en |ponme |quiero |son )?${N}(?: ${ITEM})? en (?:vez|lugar) de ${N}(?: ${ITEM})?${PLEASE}$`, 'u') },
  { language: 'pt', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:faz |faca |muda para |mude para |troca para |troque para |coloca |quero |sao |serao |melhor )?${N}(?: ${ITEM})? (?:em vez|ao inves) de ${N}(?: ${ITEM})?${PLEASE}$`, 'u') },
];

const REMOVE: ReadonlyArray<{ language: Language; re: RegExp }> = [
  { language: 'en', re: new RegExp(String.raw`^${HELLO}(?:(?:please|pls|kindly) )?(?:(?:can you|could you) )?(?:remove|take out|take off|drop|delete) (?:the |my |all the )?${ITEM}(?: from (?:my|the) order)?${PLEASE}$`, 'u') },
  { language: 'es', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:(?:puedes|podrias) )?(?:quita|quitame|quitale|quitar|saca|sacame|elimina|eliminar|borra) (?:el |la |los |las |mi |mis )?${ITEM}(?: del pedido| de mi pedido)?${PLEASE}$`, 'u') },
  { language: 'pt', re: new RegExp(String.raw`^${HELLO}(?:por favor )?(?:(?:pode|podes) )?(?:tira|tire|tirar|remove|remova|remover|retira|retire|exclui|exclua) (?:o |a |os |as |meu |minha )?${ITEM}(?: do pedido| do meu pedido)?${PLEASE}$`, 'u') },
];

/** Words that end an item phrase without being part of it ("the", plural filler). */
const trimItem = (s: string | undefined): string | null => {
  const t = s?.replace(/^(?:the|el|la|los|las|o|a|os|as) /, '').trim();
  return t ? t : null;
};

export function matchSelfEdit(text: string): SelfEditRequest | null {
  if (text.length > MAX_LENGTH * 2) return null;
  const t = normalise(text);
  if (t.length === 0 || t.length > MAX_LENGTH) return null;
  for (const { language, re } of REPLACE) {
    const m = re.exec(t);
    if (!m) continue;
    const to = quantityOf(m[1]);
    const from = quantityOf(m[3]);
    if (to === null || from === null) return null;
    return { kind: 'replace', to, from, item: trimItem(m[2]) ?? trimItem(m[4]), language };
  }
  for (const { language, re } of ADD) {
    const m = re.exec(t);
    if (!m) continue;
    const quantity = m[1] === undefined ? 1 : quantityOf(m[1]);
    const item = trimItem(m[2]);
    if (quantity === null || !item) return null;
    return { kind: 'add', quantity, item, language };
  }
  for (const { language, re } of REMOVE) {
    const m = re.exec(t);
    if (!m) continue;
    const item = trimItem(m[1]);
    if (!item) return null;
    return { kind: 'remove', item, language };
  }
  return null;
}

const REPEAT: ReadonlyArray<{ language: Language; re: RegExp }> = [
  { language: 'en', re: new RegExp(String.raw`^${HELLO}(?:(?:i want|i'll have|i will have|can i have|can i get|give me|send me) )?(?:the )?same as (?:last time|usual|always|before)${PLEASE}$`) },
  { language: 'es', re: new RegExp(String.raw`^${HELLO}(?:(?:quiero|me das|me mandas|mandame) )?lo (?:mismo|de siempre)(?: de siempre| que la (?:ultima|otra) vez)?${PLEASE}$`) },
  { language: 'pt', re: new RegExp(String.raw`^${HELLO}(?:(?:quero|me manda|manda) )?o (?:mesmo|de sempre)(?: de sempre| da (?:ultima|outra) vez)?${PLEASE}$`) },
];

/** `same as last time`, `lo mismo de siempre`, `o mesmo de sempre` (and close variants). */
export function matchRepeatLast(text: string): { language: Language } | null {
  if (text.length > MAX_LENGTH) return null;
  const t = normalise(text);
  for (const { language, re } of REPEAT) if (re.test(t)) return { language };
  return null;
}

const YES: ReadonlyArray<{ language: Language; re: RegExp }> = [
  { language: 'en', re: /^(?:yes|yes please|yep|yeah|ok|okay|confirm|place it)$/ },
  { language: 'es', re: /^(?:si|si por favor|dale|confirmo|confirmar)$/ },
  { language: 'pt', re: /^(?:sim|sim por favor|pode ser|confirmo|confirmar|isso)$/ },
];

/** A bare YES (sí, sim) answering the repeat offer. */
export function matchYes(text: string): { language: Language } | null {
  if (text.length > 40) return null;
  const t = normalise(text);
  for (const { language, re } of YES) if (re.test(t)) return { language };
  return null;
}

// ── applying a change ───────────────────────────────────────────────────────────────────

const singular = (w: string) => w.replace(/(?:es|s)$/, '');
const words = (s: string) => normalise(s).split(' ').filter((w) => w.length > 0).map(singular);

/** How well `query` names `name`: every word of the query in the name (plurals folded), or the sku. */
function names(query: string, name: string, sku: string | null, aliases: readonly string[] = []): boolean {
  const q = words(query);
  if (q.length === 0) return false;
  if (sku !== null && normalise(query) === normalise(sku)) return true;
  return [name, ...aliases].some((n) => {
    const w = words(n);
    return q.every((x) => w.includes(x)) || (w.length > 0 && w.every((x) => q.includes(x)));
  });
}

export type EditResult = { ok: true; items: OrderItem[]; removedAll: boolean } | { ok: false; item: string };

/** The order's items after the change, or which item could not be found. */
export function applySelfEdit(items: readonly OrderItem[], request: SelfEditRequest, catalog: readonly Product[]): EditResult {
  const line = (query: string) => items.findIndex((i) => names(query, i.name, i.sku, catalog.find((c) => c.sku === i.sku)?.aliases));
  switch (request.kind) {
    case 'add': {
      const at = line(request.item);
      if (at >= 0) return { ok: true, removedAll: false, items: items.map((i, k) => (k === at ? { ...i, quantity: i.quantity + request.quantity } : i)) };
      const product = catalog.find((c) => names(request.item, c.name, c.sku, c.aliases));
      if (!product) return { ok: false, item: request.item };
      return { ok: true, removedAll: false, items: [...items, { name: product.name, sku: product.sku, quantity: request.quantity, unitPrice: product.price }] };
    }
    case 'replace': {
      let at = request.item !== null ? line(request.item) : -1;
      if (request.item === null) {
        const candidates = items.map((i, k) => ({ i, k })).filter(({ i }) => request.from === null || i.quantity === request.from);
        if (candidates.length === 1) at = candidates[0]!.k;
        else if (items.length === 1) at = 0;
      }
      if (at < 0) return { ok: false, item: request.item ?? String(request.from ?? '') };
      return { ok: true, removedAll: false, items: items.map((i, k) => (k === at ? { ...i, quantity: request.to } : i)) };
    }
    case 'remove': {
      const at = line(request.item);
      if (at < 0) return { ok: false, item: request.item };
      const rest = items.filter((_, k) => k !== at);
      return { ok: true, removedAll: rest.length === 0, items: rest };
    }
    default: {
      const unhandled: never = request;
      return { ok: false, item: String(unhandled) };
    }
  }
}
