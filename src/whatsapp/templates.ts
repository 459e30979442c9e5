// Reply texts per language (en/es/pt), overridable per business through ReplyTemplatesSet.
import type { Language, OrderStatus } from '../events/catalog.ts';

export type TemplateKey =
  | 'order.confirmation'
  | 'order.missing.address'
  | 'order.missing.phone'
  | 'order.question.items'
  | 'order.updated'
  | `order.status.${Exclude<OrderStatus, 'pending'>}`
  | 'order.cancel.not_yours'
  | 'order.cancel.not_open'
  | 'order.cancel.no_open_order'
  | 'order.cancel.unknown_order'
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
    'group.summary': 'Pedido #{number} confirmado\nProdutos: {items}\nTotal: {total}\nEndereço: {address}\nCliente: {customer} {phone}\nResponda a esta mensagem com "a caminho" ou "entregue" para atualizar.',
    'group.alert': 'Novo pedido #{number}{name}: {items}. Total: {total}.',
    'order.review': 'Como foi o pedido #{number}{name}? Responda com um número de 1 (ruim) a 5 (ótimo).',
  },
};

/** A status as the customer reads it, for `{status}` in a reply. */
export const STATUS_NAMES: Record<Language, Record<OrderStatus, string>> = {
  en: { pending: 'pending', confirmed: 'confirmed', processing: 'processing', out_for_delivery: 'out for delivery', delivered: 'delivered', cancelled: 'cancelled' },
  es: { pending: 'pendiente', confirmed: 'confirmado', processing: 'en preparación', out_for_delivery: 'en camino', delivered: 'entregado', cancelled: 'cancelado' },
  pt: { pending: 'pendente', confirmed: 'confirmado', processing: 'em preparação', out_for_delivery: 'saiu para entrega', delivered: 'entregue', cancelled: 'cancelado' },
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
