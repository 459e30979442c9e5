// Recognises a customer asking to cancel their own order ("cancel my order", "cancela mi pedido",
// "cancela o meu pedido", with or without the number; "#1001 cancelled") in a sales group message.
// Deliberately strict: the whole message must be the request, so "why did you cancel my order",
// "is my order cancelled?" or an order that mentions cancelling never cancel anything.
import type { Language } from '../events/catalog.ts';

export interface SelfCancelRequest {
  /** The order number typed, or null for "their latest open order in this chat". */
  number: number | null;
  /** The language of the phrase; null for a bare `#1001 cancelled`, which could be any. */
  language: Language | null;
}

/** Longer messages are something else (an order with a note, a complaint): left to the parser. */
const MAX_LENGTH = 160;

const NUMBER = String.raw`(?:(?:no|nr|nro|num|numero|number|n)\.? ?)?#? ?(\d{1,9})`;
export const HELLO = String.raw`(?:(?:hi|hello|hey|hola|buenas|buenos dias|buenas tardes|oi|ola|bom dia|boa tarde|boa noite)[ ,]+)?`;

/**
 * The status-update form typed with a number (`#1001 cancelled`, `cancel #1001`, `1001 cancelado`).
 * Never a question: `#1001 cancelled?` asks, it does not request.
 */
const BARE: ReadonlyArray<RegExp> = [
  new RegExp(String.raw`^(?:order |pedido |orden |encomenda )?${NUMBER} (?:cancel|cancelled|canceled|cancelado|cancelada|cancelar|anulado|anulada)(?: (?:please|pls|por favor))?$`),
  new RegExp(String.raw`^(?:please )?(?:cancel|cancela|cancelar|anula|anular) (?:order |pedido |orden |encomenda |el |o )?${NUMBER}(?: (?:please|pls|por favor))?$`),
];

const PATTERNS: ReadonlyArray<{ language: Language; re: RegExp }> = [
  {
    language: 'en',
    re: new RegExp(
      String.raw`^${HELLO}(?:(?:please|pls|plz|kindly) )?(?:(?:i want to|i would like to|i'd like to|i wanna|can you|could you) )?(?:please )?cancel (?:my |the |this )?order(?: ${NUMBER})?(?: (?:please|pls|plz|thanks|thank you))*$`,
    ),
  },
  {
    language: 'es',
    re: new RegExp(
      String.raw`^${HELLO}(?:por favor )?(?:(?:quiero|quisiera|necesito|puedes|pueden|podrian) )?(?:cancela|cancelar|cancelen|cancele|anula|anular|anulen)(?:me)? (?:mi |el |este )?(?:pedido|orden)(?: ${NUMBER})?(?: (?:por favor|porfa|porfavor|gracias))*$`,
    ),
  },
  {
    language: 'pt',
    re: new RegExp(
      String.raw`^${HELLO}(?:por favor )?(?:(?:quero|queria|preciso|pode|podem) )?(?:cancela|cancelar|cancele|cancelem)(?: o| a)? (?:meu |minha |esse |este )?(?:pedido|encomenda)(?: ${NUMBER})?(?: (?:por favor|pfv|pf|obrigad[oa]|valeu))*$`,
    ),
  },
];

/** Lower case, accents and punctuation (but `#` and `'`) dropped, spaces collapsed. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}#' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function matchSelfCancel(text: string): SelfCancelRequest | null {
  if (text.length > MAX_LENGTH * 2) return null;
  const t = normalise(text);
  if (t.length === 0 || t.length > MAX_LENGTH) return null;
  for (const { language, re } of PATTERNS) {
    const m = re.exec(t);
    if (m) return { number: m[1] !== undefined ? Number(m[1]) : null, language };
  }
  if (!text.includes('?')) {
    for (const re of BARE) {
      const m = re.exec(t);
      if (m?.[1] !== undefined) return { number: Number(m[1]), language: null };
    }
  }
  return null;
}
