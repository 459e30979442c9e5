// Reply texts per language (en/es/pt), overridable per business through ReplyTemplatesSet.
import type { Language, OrderStatus } from '../events/catalog.ts';

export type TemplateKey =
  | 'order.confirmation'
  | 'order.missing.address'
  | 'order.missing.phone'
  | 'order.question.items'
  | 'order.updated'
  | `order.status.${Exclude<OrderStatus, 'pending' | 'needs_review'>}`
  | 'order.cancel.not_yours'
  | 'order.cancel.not_open'
  | 'order.cancel.no_open_order'
  | 'order.cancel.unknown_order'
  | 'order.changed'
  | 'order.change.requested'
  | 'order.edit.not_yours'
  | 'order.edit.not_open'
  | 'order.edit.no_open_order'
  | 'order.edit.unknown_item'
  | 'order.repeat.offer'
  | 'order.repeat.none'
  | 'order.review.question'
  | 'order.review.address'
  | 'order.review'
  | 'group.summary'
  | 'group.alert';

export const DEFAULT_TEMPLATES: Record<Language, Record<TemplateKey, string>> = {
  en: {
    'order.confirmation': 'Thank you{name}! Order #{number} received: {items}. Total: {total}.',
    'order.missing.address': 'Please send your delivery address for order #{number}.',
    'order.missing.phone': 'Please send a phone number we can reach you on for order #{number}.',
    'order.question.items': 'Sorry{name}, we could not tell which items you want. Please send them like "2 x Jollof Rice".',
    'order.updated': 'Order #{number} updated as you edited it: {items}. New total: {total}.',
    'order.status.confirmed': 'Order #{number} is confirmed.',
    'order.status.processing': 'Order #{number} is being prepared.',
    'order.status.out_for_delivery': 'Order #{number} is on its way.',
    'order.status.delivered': 'Order #{number} has been delivered. Thank you!',
    'order.status.cancelled': 'Order #{number} has been cancelled.',
    'order.cancel.not_yours': 'Sorry, only the customer who placed order #{number} can cancel it.',
    'order.cancel.not_open': 'Order #{number} is already {status} and can no longer be cancelled here. Please contact the shop.',
    'order.cancel.no_open_order': 'We could not find an open order of yours to cancel here. Please send its number, like "cancel my order #1001".',
    'order.cancel.unknown_order': 'We could not find order #{number}.',
    'order.changed': 'Order #{number} changed: {items}. New total: {total}.',
    'order.change.requested': 'Order #{number} was placed more than {minutes} minutes ago, so we passed your request to the shop. They will handle it.',
    'order.edit.not_yours': 'Sorry, only the customer who placed order #{number} can change it.',
    'order.edit.not_open': 'Order #{number} is already {status} and can no longer be changed here. Please contact the shop.',
    'order.edit.no_open_order': 'We could not find an open order of yours to change here. Send a new order, or its number, like "add 1 bread to #1001".',
    'order.edit.unknown_item': 'We could not find "{item}" on order #{number} or in our catalog.',
    'order.repeat.offer': 'Same as last time (order #{number}): {items}. Total: {total}. Reply YES to place it.',
    'order.repeat.none': 'We could not find a delivered order of yours to repeat. Please send your order.',
    'order.review.question': 'Did you mean {question}? Reply "yes" to confirm order #{number}.',
    'order.review.address': ', delivered to {address}',
    'group.summary': 'Order #{number} confirmed\nItems: {items}\nTotal: {total}\nAddress: {address}\nCustomer: {customer} {phone}\nReply to this message with "on the way" or "delivered" to update it.',
    'group.alert': 'New order #{number}{name}: {items}. Total: {total}.',
    'order.review': 'How was order #{number}{name}? Reply with a number from 1 (bad) to 5 (great).',
  },
  es: {
    'order.confirmation': '¡Gracias{name}! Pedido #{number} recibido: {items}. Total: {total}.',
    'order.missing.address': 'Por favor envíanos tu dirección de entrega para el pedido #{number}.',
    'order.missing.phone': 'Por favor envíanos un teléfono de contacto para el pedido #{number}.',
    'order.question.items': 'Perdón{name}, no entendimos qué productos quieres. Envíalos así: "2 x Empanadas".',
    'order.updated': 'Pedido #{number} actualizado según tu edición: {items}. Nuevo total: {total}.',
    'order.status.confirmed': 'El pedido #{number} está confirmado.',
    'order.status.processing': 'Estamos preparando el pedido #{number}.',
    'order.status.out_for_delivery': 'El pedido #{number} va en camino.',
    'order.status.delivered': 'El pedido #{number} fue entregado. ¡Gracias!',
    'order.status.cancelled': 'El pedido #{number} fue cancelado.',
    'order.cancel.not_yours': 'Lo sentimos. Solo quien hizo el pedido #{number} puede cancelarlo.',
    'order.cancel.not_open': 'El pedido #{number} ya está {status} y ya no se puede cancelar por aquí. Por favor, contacta a la tienda.',
    'order.cancel.no_open_order': 'No encontramos ningún pedido tuyo abierto para cancelar aquí. Envía su número, así: "cancela mi pedido #1001".',
    'order.cancel.unknown_order': 'No encontramos el pedido #{number}.',
    'order.changed': 'Pedido #{number} cambiado: {items}. Nuevo total: {total}.',
    'order.change.requested': 'El pedido #{number} se hizo hace más de {minutes} minutos, así que pasamos tu pedido de cambio a la tienda. Ellos se encargan.',
    'order.edit.not_yours': 'Lo sentimos. Solo quien hizo el pedido #{number} puede cambiarlo.',
    'order.edit.not_open': 'El pedido #{number} ya está {status} y ya no se puede cambiar por aquí. Por favor, contacta a la tienda.',
    'order.edit.no_open_order': 'No encontramos ningún pedido tuyo abierto para cambiar aquí. Envía un pedido nuevo, o su número, así: "agrega 1 pan al #1001".',
    'order.edit.unknown_item': 'No encontramos "{item}" en el pedido #{number} ni en nuestro catálogo.',
    'order.repeat.offer': 'Lo mismo de siempre (pedido #{number}): {items}. Total: {total}. Responde SÍ para hacer el pedido.',
    'order.repeat.none': 'No encontramos un pedido tuyo entregado para repetir. Por favor, envía tu pedido.',
    'order.review.question': '¿Quisiste decir {question}? Responde "sí" para confirmar el pedido #{number}.',
    'order.review.address': ', con entrega en {address}',
    'group.summary': 'Pedido #{number} confirmado\nProductos: {items}\nTotal: {total}\nDirección: {address}\nCliente: {customer} {phone}\nResponde a este mensaje con "en camino" o "entregado" para actualizarlo.',
    'group.alert': 'Nuevo pedido #{number}{name}: {items}. Total: {total}.',
    'order.review': '¿Qué tal el pedido #{number}{name}? Responde con un número del 1 (malo) al 5 (excelente).',
  },
  pt: {
    'order.confirmation': 'Obrigado{name}! Pedido #{number} recebido: {items}. Total: {total}.',
    'order.missing.address': 'Por favor, envie o endereço de entrega do pedido #{number}.',
    'order.missing.phone': 'Por favor, envie um telefone de contato para o pedido #{number}.',
    'order.question.items': 'Desculpe{name}, não entendemos quais produtos você quer. Envie assim: "2 x Coxinha".',
    'order.updated': 'Pedido #{number} atualizado conforme sua edição: {items}. Novo total: {total}.',
    'order.status.confirmed': 'O pedido #{number} está confirmado.',
    'order.status.processing': 'O pedido #{number} está sendo preparado.',
    'order.status.out_for_delivery': 'O pedido #{number} saiu para entrega.',
    'order.status.delivered': 'O pedido #{number} foi entregue. Obrigado!',
    'order.status.cancelled': 'O pedido #{number} foi cancelado.',
    'order.cancel.not_yours': 'Desculpe, só quem fez o pedido #{number} pode cancelá-lo.',
    'order.cancel.not_open': 'O pedido #{number} já está {status} e não pode mais ser cancelado por aqui. Por favor, fale com a loja.',
    'order.cancel.no_open_order': 'Não encontramos nenhum pedido seu em aberto para cancelar aqui. Envie o número, assim: "cancela o meu pedido #1001".',
    'order.cancel.unknown_order': 'Não encontramos o pedido #{number}.',
    'order.changed': 'Pedido #{number} alterado: {items}. Novo total: {total}.',
    'order.change.requested': 'O pedido #{number} foi feito há mais de {minutes} minutos, então passamos seu pedido de alteração para a loja. Eles vão cuidar disso.',
    'order.edit.not_yours': 'Desculpe, só quem fez o pedido #{number} pode alterá-lo.',
    'order.edit.not_open': 'O pedido #{number} já está {status} e não pode mais ser alterado por aqui. Por favor, fale com a loja.',
    'order.edit.no_open_order': 'Não encontramos nenhum pedido seu em aberto para alterar aqui. Envie um pedido novo, ou o número, assim: "adiciona 1 pão no #1001".',
    'order.edit.unknown_item': 'Não encontramos "{item}" no pedido #{number} nem no nosso catálogo.',
    'order.repeat.offer': 'O mesmo de sempre (pedido #{number}): {items}. Total: {total}. Responda SIM para fazer o pedido.',
    'order.repeat.none': 'Não encontramos um pedido seu entregue para repetir. Por favor, envie seu pedido.',
    'order.review.question': 'Você quis dizer {question}? Responda "sim" para confirmar o pedido #{number}.',
    'order.review.address': ', com entrega em {address}',
    'group.summary': 'Pedido #{number} confirmado\nProdutos: {items}\nTotal: {total}\nEndereço: {address}\nCliente: {customer} {phone}\nResponda a esta mensagem com "a caminho" ou "entregue" para atualizar.',
    'group.alert': 'Novo pedido #{number}{name}: {items}. Total: {total}.',
    'order.review': 'Como foi o pedido #{number}{name}? Responda com um número de 1 (ruim) a 5 (ótimo).',
  },
};

/** A status as the customer reads it, for `{status}` in a reply. */
export const STATUS_NAMES: Record<Language, Record<OrderStatus, string>> = {
  en: { pending: 'pending', confirmed: 'confirmed', processing: 'processing', out_for_delivery: 'out for delivery', delivered: 'delivered', cancelled: 'cancelled', needs_review: 'waiting for review' },
  es: { pending: 'pendiente', confirmed: 'confirmado', processing: 'en preparación', out_for_delivery: 'en camino', delivered: 'entregado', cancelled: 'cancelado', needs_review: 'en revisión' },
  pt: { pending: 'pendente', confirmed: 'confirmado', processing: 'em preparação', out_for_delivery: 'saiu para entrega', delivered: 'entregue', cancelled: 'cancelado', needs_review: 'em revisão' },
};

const PT = new Set(['BR', 'PT', 'AO', 'MZ', 'CV', 'GW', 'ST', 'TL']);
const ES = new Set(['ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'VE', 'EC', 'GT', 'CU', 'BO', 'DO', 'HN', 'PY', 'SV', 'NI', 'CR', 'PA', 'UY', 'PR', 'GQ']);

export function languageForCountry(country: string | null | undefined): Language {
  if (country && PT.has(country)) return 'pt';
  if (country && ES.has(country)) return 'es';
  return 'en';
}

const PT_WORDS = /\b(quero|queria|obrigad[oa]|voc[eê]|endere[cç]o|entregar|tamb[eé]m|n[aã]o)\b/iu;
const ES_WORDS = /\b(quiero|quisiera|gracias|direcci[oó]n|env[ií]o|tambi[eé]n|necesito)\b/iu;

/** A cheap guess at the customer's language from a few tell-tale words; null when unsure. */
export function detectLanguage(text: string): Language | null {
  const pt = PT_WORDS.test(text);
  const es = ES_WORDS.test(text);
  if (pt && !es) return 'pt';
  if (es && !pt) return 'es';
  return null;
}

export interface TemplateOverride {
  language: Language;
  key: string;
  text: string;
}

export function render(
  language: Language,
  key: TemplateKey,
  vars: Record<string, string>,
  overrides: readonly TemplateOverride[] = [],
): string {
  const custom = overrides.find((o) => o.language === language && o.key === key)?.text;
  const template = custom ?? DEFAULT_TEMPLATES[language][key];
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

export function formatMoney(amount: number | null, currency: string | null, language: Language): string {
  if (amount === null) return language === 'en' ? 'to be confirmed' : language === 'es' ? 'por confirmar' : 'a confirmar';
  const locale = language === 'pt' ? 'pt-BR' : language === 'es' ? 'es' : 'en';
  const n = amount.toLocaleString(locale, { maximumFractionDigits: 2, minimumFractionDigits: Number.isInteger(amount) ? 0 : 2 });
  return currency ? `${currency} ${n}` : n;
}

/**
 * A customer's plain "yes" to the bot's review question (en/es/pt), with nothing else asked: a
 * short whole-message match, so "yes but make it 3" is not taken as a yes.
 */
const YES_RE = /^\s*(?:yes|yeah|yep|yup|ok|okay|correct|right|s[ií]|claro|correcto|exacto|sim|isso|certo|correto|exato)(?:[\s,!.]*(?:please|pls|por favor|gracias|obrigad[oa]|thanks|thank you|yes|s[ií]|sim|correct|correcto|correto|confirmo|confirm|👍))*[\s!.👍]*$/iu;
export function isYesReply(text: string): boolean {
  return text.length <= 60 && YES_RE.test(text);
}

/**
 * The replies a merchant edits (GET/PUT /business/:id/templates) and the placeholders each may use:
 * exactly the variables the notifier fills in for it, so a saved template never shows a raw `{…}`.
 */
export const EDITABLE_TEMPLATES = {
  'order.confirmation': ['number', 'name', 'items', 'total'],
  'order.missing.address': ['number', 'name', 'items', 'total'],
  'order.missing.phone': ['number', 'name', 'items', 'total'],
  'order.question.items': ['name'],
  'order.status.confirmed': ['number', 'name'],
  'order.status.processing': ['number', 'name'],
  'order.status.out_for_delivery': ['number', 'name'],
  'order.status.delivered': ['number', 'name'],
  'order.status.cancelled': ['number', 'name'],
  'order.review': ['number', 'name'],
} as const satisfies Partial<Record<TemplateKey, readonly string[]>>;
export type EditableTemplateKey = keyof typeof EDITABLE_TEMPLATES;
export const EDITABLE_TEMPLATE_KEYS = Object.keys(EDITABLE_TEMPLATES) as EditableTemplateKey[];
/** Longest template text (the event's bound): a WhatsApp reply stays a message, not a document. */
export const MAX_TEMPLATE_LENGTH = 1000;

export const isEditableTemplate = (key: string): key is EditableTemplateKey => Object.prototype.hasOwnProperty.call(EDITABLE_TEMPLATES, key);

/** The `{placeholders}` of a template text that its key does not fill in, each once. */
export function unknownPlaceholders(key: EditableTemplateKey, text: string): string[] {
  const allowed: readonly string[] = EDITABLE_TEMPLATES[key];
  const found = new Set<string>();
  // Any brace pair counts, not only well-formed names: "{Number}" or "{total }" would reach the customer raw.
  for (const m of text.matchAll(/\{([^{}]{0,40})\}/g)) if (!allowed.includes(m[1]!)) found.add(`{${m[1]}}`);
  return [...found];
}

/** Sample values for the live preview, as a customer would read them. */
export function sampleVars(language: Language, currency: string | null): Record<string, string> {
  const items = language === 'pt' ? '2 x Coxinha, 1 x Guaraná' : language === 'es' ? '2 x Empanadas, 1 x Limonada' : '2 x Jollof Rice, 1 x Zobo';
  return { number: '1001', name: ', Ada', items, total: formatMoney(5500, currency, language) };
}
