// Recognises a customer telling the merchant they paid ("sent the money, ref …", "te envío el
// comprobante", "transferi agora", "paid via mpesa QX12…", an image captioned so), in en/es/pt,
// and pulls out the transaction reference and the method when the message names them. Pure: the
// intake decides what to do with it (attach it to the sender's open order, never parse it as one).
import type { Language, PaymentMethod } from '../events/catalog.ts';
import { MAX_PAYMENT_REFERENCE } from '../events/catalog.ts';

export interface PaymentProof {
  language: Language;
  reference: string | null;
  method: PaymentMethod | null;
}

/** A proof is a short note; a long message is something else (an order with a remark, a complaint). */
const MAX_LENGTH = 300;

const PHRASES: ReadonlyArray<{ language: Language; re: RegExp }> = [
  {
    language: 'en',
    re: /\b(?:(?:i(?: have|'ve| just)?|just|have|has|we(?: have|'ve)?) )?(?:sent|send|made|done|did|paid|transferred|deposited)(?: you)? (?:the |my |a )?(?:money|payment|transfer|deposit|cash|funds)\b|\b(?:money|payment|transfer|funds|deposit) (?:sent|done|made|completed|transferred)\b|\b(?:i(?: have|'ve| just)?|just|have|already) (?:paid|transferred|deposited)\b|\bpaid (?:via|by|with|through|on|using) \w+|\b(?:proof of payment|payment proof|payment receipt|transfer receipt|receipt attached|here is the receipt|here's the receipt|see receipt)\b/,
  },
  {
    language: 'es',
    re: /\b(?:te |le |les )?(?:envio|envie|mando|mande|adjunto|paso|dejo) (?:el |mi |un )?(?:comprobante|recibo|voucher|pago)\b|\bcomprobante(?: de (?:pago|transferencia|deposito))?\b|\b(?:ya )?(?:te |le )?(?:pague|transferi|deposite)\b|\b(?:hice|realice) (?:la |el )?(?:transferencia|deposito|pago)\b|\b(?:pago|transferencia|deposito) (?:realizad[oa]|hech[oa]|enviad[oa])\b/,
  },
  {
    language: 'pt',
    re: /\b(?:ja )?(?:transferi|paguei|depositei)\b|\b(?:fiz|mandei|enviei) (?:o |a )?(?:pix|transferencia|deposito|pagamento)\b|\b(?:segue|envio|mando|enviei|mandei) (?:o |a )?(?:comprovante|recibo)\b|\bcomprovante(?: de (?:pagamento|transferencia|pix))?\b|\b(?:pix|pagamento|transferencia) (?:feit[oa]|enviad[oa]|realizad[oa])\b/,
  },
];

/** "2x rice", "rice x3": an order line, so the message is not a bare payment note. */
const ORDER_LINE = /\b\d+\s*x\s*\p{L}|\p{L}\s*x\s*\d+\b/u;

const METHODS: ReadonlyArray<[PaymentMethod, RegExp]> = [
  ['mobile_money', /\b(?:m-?pesa|mpesa|momo|mobile money|airtel money|mtn money|orange money|opay|palmpay|moniepoint|nequi|daviplata|yape|plin)\b/],
  ['card', /\b(?:card|tarjeta|cartao|pos)\b/],
  ['cash', /\b(?:cash|efectivo|dinheiro)\b/],
  ['transfer', /\b(?:transfer|transferred|transferencia|transferi|pix|bank|deposit|deposited|deposito|depositei|deposite|wire|spei|zelle)\b/],
];

/** Lower case, accents dropped, punctuation but `'` and `-` turned into spaces. */
function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const REF_LABEL = /\b(?:ref(?:erence|erencia|erencia)?|txn|trx|transaction(?: id| code)?|tx(?: id)?|codigo|code|id|nsu|autenticacao|comprobante|comprovante|no|nro|numero)\b\.?\s*(?:[:#=-]|(?:is|es|e)\s)?\s*([A-Za-z0-9][A-Za-z0-9-]{3,})/i;
/** An M-Pesa style code: 8–12 capitals and digits with both present (QX12AB34CD). */
const BARE_CODE = /\b(?=[A-Z0-9]{8,12}\b)(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8,12}\b/;

function referenceIn(text: string): string | null {
  const plain = text.normalize('NFD').replace(/\p{M}+/gu, '');
  const labelled = REF_LABEL.exec(plain)?.[1];
  const ref = labelled && /\d/.test(labelled) ? labelled : (BARE_CODE.exec(plain)?.[0] ?? null);
  return ref ? ref.slice(0, MAX_PAYMENT_REFERENCE) : null;
}

/** The payment proof a message (or image caption) states, or null when it does not read as one. */
export function matchPaymentProof(text: string): PaymentProof | null {
  if (text.length > MAX_LENGTH * 2) return null;
  const t = normalise(text);
  if (t.length === 0 || t.length > MAX_LENGTH) return null;
  if (ORDER_LINE.test(t)) return null;
  // A question ("did you get my payment?", "can I pay by transfer?") is not a proof.
  if (/\?\s*$/.test(text.trim()) && !/\b(?:ref|comprobante|comprovante)\b/.test(t)) return null;
  for (const { language, re } of PHRASES) {
    if (!re.test(t)) continue;
    const method = METHODS.find(([, m]) => m.test(t))?.[0] ?? null;
    return { language, reference: referenceIn(text), method };
  }
  return null;
}
