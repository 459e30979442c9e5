// Message-level classification signals: bot confirmations, status updates, enquiries, promotions.
// Every pattern runs on folded text (lower case, no accents) and has no nested unbounded quantifier.
import type { OrderStatus } from './types.ts';

export const BOT_RE =
  /(auto-?reply|automated (?:message|reply)|automatic (?:message|reply)|mensaje automatico|respuesta automatica|mensagem automatica|resposta automatica|reply status|responde status|responda status|this is an automated|🤖)/;
/** The shop's own receipt ("Thanks for your order! Order #N-5 received. Total …"), unless it reports a later state. */
const RECEIPT_RE =
  /\b(?:thanks? (?:you )?for your order|we(?:'ve| have)? received your order|your order (?:#\s?\S+ )?has been received|gracias por (?:tu|su) (?:pedido|compra|orden)|(?:hemos )?recibimos (?:tu|su) pedido|obrigad[oa] pel[oa] (?:seu |sua )?(?:pedido|encomenda|compra)|recebemos (?:o |a )?(?:seu |sua )?(?:pedido|encomenda))/;
export const CONFIRMED_WORD_RE = /\b(confirmed|confirmado|confirmada)\b/;
const CONFIRMED_BANG_RE = /\b(?:order|pedido|orden|encomenda)\s+(?:confirmed|confirmado|confirmada)\s*!/;

export function looksLikeBot(folded: string, senderName: string): boolean {
  if (BOT_RE.test(folded)) return true;
  if (RECEIPT_RE.test(folded) && /\d/.test(folded)) {
    const st = detectStatus(folded);
    if (st === null || st === 'confirmed') return true;
  }
  const confirmed = CONFIRMED_WORD_RE.test(folded);
  if (!confirmed) return /\(bot\)|\bbot\b/.test(senderName) && /\b(total|order #|pedido #)/.test(folded);
  if (CONFIRMED_BANG_RE.test(folded)) return true;
  if (/^\s*✅/.test(folded)) return true;
  // A confirmation that restates the total is the bot's own receipt, not a customer asking.
  if (/\btotal\b[^\n\d]{0,12}\d/.test(folded)) return true;
  return /\(bot\)|\bbot\b/.test(senderName);
}

const NEG_RE = /(?:\bnot|n't|\bno|\bnao|\bnever|\byet to|\baun no|\bainda nao|\btodavia no)\s*(?:been\s*|yet\s*|ha\s*|foi\s*)?$/;

const STATUS_PATTERNS: ReadonlyArray<[OrderStatus, RegExp]> = [
  ['cancelled', /\b(cancel+(?:ed|led|ation|ing)?|cancel[ae](?:r|do|da|dos|das|lo|la|n|m|mos|me|nos|melo|mela)?|(?:na|pa)-?cancel|cancelo|cancelou|cancelei|cancelamos|cancelaron|cancell?ou|anula(?:r|do|da|n|lo|la)?|anule|anulen|anulo|anulamos|call (?:it )?off|called off|scrap (?:my|the|that)|no longer (?:need|want)|rejected|declined|recusad[oa]|rechazad[oa]|ya no (?:lo |la )?(?:quiero|necesito)|nao (?:quero|preciso) mais|desisti|desisto|cancel kar(?:o|do| do| dijiye| dena)?|ghairi|sitaki tena|nahi chahiye|no need again|i no want am again)\b/],
  [
    'delivered',
    /\b(na-?deliver(?:ed)?|nai-?deliver|natanggap ko na|delivered|deliverd|delivred|don deliver(?:ed)?|don reach you|dropped (?:off|at)|handed (?:over|to)|has arrived|collected by (?:the )?(?:customer|client)|entregado|entregada|entregados|entregadas|entregue|entregues|entregamos|se entrego|ya (?:se )?(?:lo |la )?entrego|fue entregad[oa]|foi entregue|me llego|ya llego|llego el pedido|chegou|recebi (?:o|meu) pedido|received (?:my|the) order|got my order|left (?:at|in|with) (?:your|the)|completed|fulfilled|finalizad[oa]|conclu[ií]d[oa]|completad[oa]|nimepokea|nimepata|(?:ja |já )?recebi (?:a |o )?(?:encomenda|pedido)|don drop|don collect|don receive|imefika|imeshafika|imefikishwa|imekabidhiwa|(?:deliver|delivery) ho (?:gaya|gayi|chuka|chuki)|mil (?:gaya|gayi)|pahunch? (?:gaya|gayi)|don land|don arrive)\b/,
  ],
  [
    'out_for_delivery',
    /\b(out for delivery|ha salido|han salido|papunta na|otw na|on (?:the|its|his|her) way|dispatched|has been shipped|en camino|en ruta|va para alla|saiu (?:para|pra) (?:a )?entrega|saiu para|saiu com|ya salio|salio con|salio a (?:entregar|repartir)|a caminho|rider (?:is|go|don|has|dey)|driver is|motoboy|en route|enroute|on route|on transit|in transit|shipped|out for dispatch|(?:picked up|collected) by (?:the |our )?(?:rider|driver|courier|dispatch|dispatcher|boda|delivery guy|bike man|bolt|uber)|va en camino|ya va|ya va en camino|va saliendo|ya salio|salio para|despachado|despachada|saiu|ja saiu|esta a caminho|vai a caminho|em rota|em transito|enviado|enviada|despachad[oa]|a ir (?:ai|ter consigo)|on the road|expedid[oa]|en reparto|(?:salio|sale) a reparto|con el (?:repartidor|motorizado|chofer)|com o (?:entregador|motoboy|estafeta|motoqueiro)|with (?:the|our|my) (?:rider|driver|courier|dispatch rider)|don carry|don comot|has (?:(?:my|the|your|our) )?(?:order|pedido) (?:#\s?)?[\w-]+ left|has (?:it|the rider|rider|the driver) left|sent (?:out|off)|(?<=\d )sent|left the (?:shop|store|kitchen|restaurant)|iko njiani|iko kwa njia|njiani|ameshika|anakuja|amechukua|(?:acabou de )?sair (?:pra|para) (?:a )?entrega|imetumwa|imetoka|ameondoka|yuko njiani|nikal (?:gaya|gayi|chuka)|raste (?:mein|me)|bhej (?:diya|di)|dispatch (?:ho gaya|kar diya|ho gayi)|dey come|don commot|don move|on (?:his|her) way)\b/,
  ],
  [
    'processing',
    /\b(being prepared|being processed|being packed|preparing your|in preparation|processing|in progress|se esta preparando|estamos preparando|preparando|en preparacion|em preparo|em preparacao|sendo preparad[oa]|being cooked|in the kitchen|en proceso|en cocina|separando|a ser preparad[oa]|em producao|em separacao|a preparar|on the fire|being (?:baked|made|cooked|packed|wrapped|assembled)|(?:is|are|been|was|now|all|just) packed|packed and ready|(?:esta|ya esta|siendo) empacad[oa]|(?:esta|ja esta|foi|sendo|a ser) embalad[oa]|em producao|packing (?:your|it|the)|(?:is|are|now|'s) ready (?:for (?:pick ?up|pick-up|collection|delivery|dispatch)|to (?:go|collect|be picked))|(?:(?:esta|ya|ta) |(?<=\d ))list[oa] para (?:recoger|entrega|entregar|llevar|enviar)|(?:(?:esta|ja|ta) |(?<=\d ))pront[oa] (?:para|pra) (?:retirada|retirar|levantar|entrega|entregar|recolha|sair)|inaandaliwa|tunaandaa|inapikwa|dey (?:oven|fire|cook|prepare|pack)|in the oven|ban (?:raha|rahi|rahe)|taiyar ho (?:raha|rahi|gaya|gayi)|pack ho (?:raha|rahi|gaya|gayi))\b/,
  ],
  ['confirmed', /\b(confirm|confirmed|confirmado|confirmada|confirmo|confirmar|confirme|accepted|approved|aceptad[oa]|aceit[oa]|aprobad[oa]|aprovad[oa]|imethibitishwa|imekubaliwa)\b/],
];

/** "… will be dispatched by evening": a later step announced, not the order's state now. */
const FUTURE_STEP_RE = /(?:\bwill|'ll|\bshall|\bgoing to|\bgonna|\bto be|\bsoon be|\bva a ser|\bvai ser|\bsera|\bsera)\s(?:be\s)?(?:\w+\s)?$/;

const WHEN_CLAUSE_RE = /(?:\bwhen|\bonce|\bas soon as|\bcuando|\bquando|\bassim que|\ben cuanto|\btan pronto)\b[^.!?\n]{0,18}$/;

export function detectStatus(folded: string): OrderStatus | null {
  for (const [status, re] of STATUS_PATTERNS) {
    const m = re.exec(folded);
    if (!m) continue;
    if (NEG_RE.test(folded.slice(Math.max(0, m.index - 16), m.index))) continue;
    // "We'll message you when it's on the way" / "avisaremos quando sair": a future clause, not the order's state.
    if (WHEN_CLAUSE_RE.test(folded.slice(Math.max(0, m.index - 24), m.index))) continue;
    if (FUTURE_STEP_RE.test(folded.slice(Math.max(0, m.index - 20), m.index))) {
      // Another state may still be written later in the message ("has been packed and will be dispatched").
      const later = detectStatusAfter(folded, status);
      if (later) return later;
      continue;
    }
    return status;
  }
  return null;
}

/** The first status written in the message other than `skip` (used when `skip` was only announced for later). */
function detectStatusAfter(folded: string, skip: OrderStatus): OrderStatus | null {
  for (const [status, re] of STATUS_PATTERNS) {
    if (status === skip) continue;
    const m = re.exec(folded);
    if (!m) continue;
    if (NEG_RE.test(folded.slice(Math.max(0, m.index - 16), m.index))) continue;
    if (FUTURE_STEP_RE.test(folded.slice(Math.max(0, m.index - 20), m.index))) continue;
    return status;
  }
  return null;
}

/** "#A13", "order 1042", "pedido nº 1290", "order no. 5521": the reference must contain a digit. */
const REF_RE =
  /(?:#\s?([A-Za-z]{0,4}-?\d[A-Za-z0-9-]{0,12}))|(?:\b(?:order|pedido|orden|encomenda|ordem|oda|oda yako|oda yako namba|order yako)\s{0,2}(no\.?|n\.?[º°o]\.?|number|num\.?|n[uú]mero|nro\.?|namba|#|:)?\s{0,2}([A-Za-z]{0,4}-?\d[A-Za-z0-9-]{0,12}))/giu;
/** Words that may follow a bare "order 1042" when 1042 is a reference and not a count. */
const REF_FOLLOW = new Set(
  'is has have was were been delivered dispatched shipped cancelled canceled confirmed out on ready being will please pls picked collected arrived reached left sent packed prepared received now just successfully still went entered por favor ya esta fue foi saiu entregue entregado entregada chegou llego ha se already to for by de do da the has pls plz and i we if because was as e y o a ta tá está em en is, confirmado confirmada cancelado cancelada já ja don porfa porfavor pf pfv xfa plis pliz please kindly agora ahora hoy hoje today asap now thanks thank gracias obrigado obrigada urgente urgent que that which sff se lo la ok sir ma boss oga abeg jare enviado enviada despachado despachada aceptado aceptada aceito aceita accepted approved completed fulfilled finalizado finalizada concluido concluida concluído concluída recusado recusada rechazado rechazada rejected declined packed baked done listo lista pronto pronta salio salió va vai being cancel canceled cancelled cancelado cancelada never'.split(
    ' ',
  ),
);

/** `lenient`: a bare "order 3307 wey i send" counts whatever word follows (used once a status word was seen). */
export function findOrderRef(text: string, lenient = false): string | null {
  REF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF_RE.exec(text)) !== null) {
    if (m[1]) return m[1].replace(/-+$/, '');
    const ref = m[3];
    if (!ref) continue;
    const hasLabel = Boolean(m[2]);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 20);
    const next = /^\s*([\p{L}]+)/u.exec(after);
    // Leniently, a bare number still needs three digits: "order 2 pizzas … delivered to …" is a count.
    if (!hasLabel && /^\d+$/.test(ref) && next && next[1] && !REF_FOLLOW.has(next[1].toLowerCase()) && (!lenient || ref.length < 3)) continue;
    return ref.replace(/-+$/, '');
  }
  return null;
}

export const MY_ORDER_RE = /\b(my|your|the|our|this|mi|tu|su|el|meu|seu|o|nosso)\s+(order|pedido|orden|encomenda)\b/;

export const PRICE_Q_RE =
  /\b(how much|how many (?:naira|rupees|shillings|bob)|what(?:'s| is| are) (?:the |your )?(?:price|cost|rate)s?|price (?:of|for|list|pls|please)|cost of|rate of|cuanto (?:cuesta|cuestan|vale|valen|sale|salen|es|son|cobra|cobran|seria|esta|estan|ta)|a como|precio|precios|quanto (?:custa|custam|ta|e|fica|sai|cobra|esta|seria)|preco|precos|kitna|kitne|bei gani|ngapi)\b/;

export const AVAIL_Q_RE =
  /\b(do you (?:have|sell|deliver|do)|have you got|you get|is there|are there|available|availability|in stock|any left|disponible|disponibles|hay|tienen|tiene|disponivel|disponiveis|tem|tens|voces tem|vcs tem|ainda tem|still have|you dey sell|una get|are you open|you open|open (?:today|tomorrow|on|this)|shop open|abren|abre|abrem|aberto|abierto|close today|what time|que horas|a que hora|how (?:do|can) (?:i|we) (?:order|place|buy|make)|como (?:faco|faz|fazer|eu faco|le hago|hago|puedo|posso|se (?:faz|hace)) (?:pra |para |pa )?(?:pedir|encomendar|ordenar|comprar|fazer (?:o |um )?pedido|hacer (?:el |un )?pedido)|se (?:puede|pueden|podria) (?:pedir|encargar|ordenar)|da (?:pra|para) (?:pedir|encomendar|entregar)|is it possible|e possivel|es posible)\b/;

export const FUTURE_RE =
  /\b(?:(?:will|i'?ll|ill|gonna|going to|shall|go|i go|might|may|plan to|planning to|thinking of)\s(?:\w+\s)?(?:order|place (?:an |my |the )?order|buy from you)|order (?:again |more )?(?:later|tomorrow|next (?:week|time|month))|(?:voy|vamos) a (?:pedir|ordenar|comprar|encargar|hacer (?:el|un) pedido)|(?:vou|vamos|irei) (?:pedir|encomendar|comprar|fazer (?:o|um) pedido)|pedir(?:e|ei|emos)? (?:manana|amanha|despues|depois|mas tarde|mais tarde))\b/;

export const PROMO_RE =
  /(forwarded|reenviado|encaminhad[ao]|https?:\/\/|www\.|click here|clique|haz clic|\bgiveaway\b|free data|\bshare (?:this )?to \d|reenvia este|envie para \d|\bpromo(?:tion|cion|cao)?\b|\boffer\b|\bdiscount|\bdesconto|\bdescuento|\boferta|% off|limited time|this weekend only|only today)/;

export const MEDIA_RE =
  /^\s*(?:🎤|📷|📹|🎥|📎|🖼|🎵|📄|\[?(?:voice note|voice message|audio|photo|image|video|sticker|document|nota de voz|mensaje de voz|foto|imagen|imagem|mensagem de voz|gif)\b)/u;

/** Feedback on goods already received ("the 4 pasties were lovely", "as 2 pizzas estavam ótimas"): not a new order. */
export const FEEDBACK_RE =
  /\b(?:(?:was|were|are|is) (?:so |very |really |too )?(?:lovely|delicious|nice|great|amazing|tasty|sweet|perfect|fire|awesome|good|fresh)|estava(?:m)? (?:muito )?(?:otim[oa]s?|delicios[oa]s?|bo[mn]s?|perfeit[oa]s?|uma delicia|maravilhos[oa]s?|gostos[oa]s?)|estaba(?:n)? (?:muy )?(?:riquisim[oa]s?|delicios[oa]s?|buenisim[oa]s?|buen[oa]s?|ric[oa]s?)|riquisim[oa]s|todo llego bien|llego todo bien|chegou tudo (?:certo|certinho|bem|ok)|(?:i|we) (?:ordered|bought|got) (?:yesterday|last|earlier)|(?:that |which )?you sold (?:me|us)|(?:the|los|las|os|as) \d+ [\w ]{1,30} (?:i|we) ordered\b)/;

export const COMPLAINT_RE =
  /\b(hasn'?t (?:arrived|come|reached)|has not (?:arrived|come)|not (?:yet )?(?:arrived|received)|never (?:arrived|came)|still waiting|where is my order|wrong order|refund|complain|complaint|disappointed|was (?:cold|bad|late|stale|spoilt|spoiled|missing|burnt)|were (?:cold|bad|stale|missing)|no ha llegado|no llego|aun no llega|todavia no llega|nao chegou|ainda nao chegou|veio errado|reclamacao|reclamo|devolucao|reembolso|not happy|never (?:reach|reached|came|come|arrived|bring|brought|show(?:ed)?)|did(?:n'?t| not) (?:come|arrive|reach|show)|no show|(?:came|arrived|was|were|is|are) (?:cold|late|spoilt|spoiled|damaged|broken|crushed|leaking|missing|incomplete|wrong)|missing (?:from|in) my|llegaron? (?:frios?|frias?|tarde|mal|incompletos?|rotos?|aplastad[oa]s?|derramad[oa]s?|equivocad[oa]s?)|(?:me |nos )?falt(?:o|aron) |vino (?:mal|incompleto|equivocado|frio)|chega(?:ram|ou) (?:frios?|frias?|atrasad[oa]s?|amassad[oa]s?|errad[oa]s?|faltando|aberto)|veio (?:faltando|frio|fria|amassad[oa]|aberto)|faltou|nao veio|esta(?:va)? (?:frio|fria|cru|crua|estragad[oa]|podre)|estaba(?:n)? (?:frios?|frias?|crud[oa]s?|podrid[oa]s?)|abhi tak nahi|nahi (?:aaya|aayi|aya|ayi|mila|mili|pahuncha|pahunchi)|kab tak|kab (?:aayega|aayegi|ayega|milega|milegi|tak aayega)|haija(?:fika|letwa)|bado (?:haija|sija)\w*|sijapata|never reach|e never (?:reach|come|land)|still never|no reach me|where my order|where (?:is )?the rider)\b/;
