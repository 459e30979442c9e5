// Words and phrases in English (incl. Nigerian pidgin, Indian, Kenyan usage), Spanish and Portuguese.
// All matching is done on folded text (lower case, no accents), so entries are written that way.

/** Words that may precede the first product of a sentence and carry no product meaning. */
export const FILLERS = new Set(
  (
    // greetings, politeness, addressing the merchant
    'hi hello hey hiya yo morning afternoon evening good day gd pls plz please kindly abeg biko oya ' +
    'sir ma madam mam maam boss oga bhaiya bhai bhaiyya didi aunty auntie uncle mama mum dear bro sis ' +
    'hola buenas buenos buen dia dias tardes noches oi ola olá bom boa tarde noite tudo bem habari jambo ' +
    'sawa asante mambo namaste ' +
    // request verbs and pronouns
    'i i\'d id i\'ll ill im we me my us you u ya wan wanna want wants would like love to order ordering get ' +
    'can cn could may might send sen bring deliver give take have add need needs require make book also ' +
    'just only again then now today kindly pls and plus & with for the some ' +
    'quiero quisiera queria quería necesito necesitamos me mi mandas manda mande mandame mándame mandan ' +
    'envia envía envias envíame enviame encargo les le pido pedir ordenar da das dame deme regalas regala ' +
    'encargar encarga encargas encargarte aparta apartas apartan apartame apártame apartenme reserva reservas reservan reservame resérvame separo separan ' +
    'traes trae puedes podrias podrías por favor porfa porfavor tambien también y el la los las lo ' +
    'quero queria vou vamos querer preciso precisamos manda mandar separa separe pra mim pro pode poderia ' +
    'fechar fecho encomendar alugar comprar buy purchase also tambem também o os as favor ' +
    'need it them am na dey go fit make abeg de sorry correct correction corrected updated update new revised ' +
    'actually ok okay alright so hmm ' +
    // WhatsApp spellings and would-like forms
    've traz traga faz faca qiero kiero qero kero qro qer qria keria gostaria gostariamos gustaria gustarian xfa pf pfv porfis plis pliz ' +
    // vocabulary round (1.3.2): request verbs per language and region
    // en (incl. NG/GH pidgin, IN, KE, ZA): "get me", "can I have", "I'd like", "I wan buy", "do me", "drop"
    'wanted needed requesting request ordered pls. kindly. plse plx pliss pleaz gimme lemme let drop put pack prepare ' +
    'bring. na im dem una abeg. biko. ehn o oo ooo please. dis dat ' +
    // sw (KE): "nataka", "naomba", "nipe", "niletee", "tafadhali"
    'interesa interessa fa com con nataka tunataka naomba tunaomba ninaomba nipe tupe niletee tuletee nitumie tafadhali tafadali niwekee tuwekee nipatie tupatie kuagiza nauliza pia ' +
    // es: ponme/me pones/apúntame/anótame/ocupo (MX)/me regalas/tráeme/mándenme/hacer un pedido
    'pon ponme pones poneme ponga pongame apunta apuntame apuntas anota anotame anotas ocupo ocupamos ocuparia ' +
    'regalame regalan traeme traigame traiga traigan mandenme mandeme envien envienme enviar hacer realizar ' +
    'quisieramos queremos querria querriamos podria podrian podes puede pueden me se te ' +
    // pt: me vê/traz/manda/vou querer/separa/encomendar/fazer um pedido; pt-PT: queria encomendar/era/se faz favor
    'era queriamos quer queira envia envie enviem enviar mandem manda-me envia-me traz-me traga-me arranja arranje ' +
    'reserva reservar reserve separar separem anota anote fazer faço faco gostava encomendo ' +
    'podia podem consegue consegues sff sfv obg vc voce voces vcs ai la ' +
    // greetings and ways of addressing the merchant, per region
    'howzit howsit bru bra bru. sharp shap eish heita sawubona molo ' + // ZA
    'chale charley chaley maakye akwaaba ' + // GH
    'bros broda ekaaro ekasan ekale nnoo sannu ' + // NG
    'sasa niaje vipi poa ' + // KE
    'ji sirji bhaiji anna akka bhaisaab namaskar ' + // IN
    'oye oiga joven seno senor senora guero guera amigo amiga vecino vecina holaa holi disculpa disculpe buenass ' + // es
    'moco moca querida querido flor amore boas viva opa eai blz beleza desculpa desculpe ' +
    // more request verbs: en "arrange/provide/supply/reserve/put me down for/send over", es "hazme/échame/véndeme/
    // me llevas/me pone/me guardas/sería", pt "bota/coloca/tem como/precisava/mais/pode ser/arranja-me/dá-me"
    'arrange organise organize provide supply reserve put down over do required requirement ' +
    'haces hace hazme hagan hacerme preparas preparame prepara preparen echame echa echale pasame pasa vendeme vendes ' +
    'vende vendan llevas llevame lleva llevan seria serian pone guardas guardame guarda guarden necesitaria ' +
    'tem como bota bote coloca coloque poe acrescenta adiciona inclui mais precisava precisaria ser ' +
    'arranja-me reserva-me separa-me guarda-me poe-me mande-me envie-me da-me de-me faz-me faca-me ' +
    // tl (Taglish): "pa-order po ng 2 …", "kuya 2 kawali", "order po ako"
    'veci vecis parce parcero parcera mano mana chamo chama che entregar entregarme possivel posible ' +
    'po ng ako kuya ate pa-order paorder pa-reserve pareserve pabili pa-deliver padeliver lang naman sana salamat ' +
    // ar (Franco-Arabic, EG): "salam", "law sama7t" (please)
    'salam law sama7t sam7t ' +
    'grab podeis podriais mandais enviais poneis traeis quereis os vos unos unas uns umas algunos algunas alguns algumas'
  ).split(/\s+/),
);

/** Verbs that make the noun phrase after them a product even with no count ("vou querer o sofá"). */
export const WANT_RE =
  /\b(entregar|entregarme|pa-?order|pa-?reserve|pabili|pa-?deliver|reserve|want|wan|need|i'?ll take|take|send|get|order|like|bring|deliver|give me|quiero|quisiera|queria|necesito|manda|mandas|mande|me da|encargo|encargar|aparta|apartas|apartan|apartame|reservame|pido|quero|querer|vou querer|preciso|separa|fechar|alugar|comprar|buy|reservar|book|qiero|kiero|qero|kero|qro|gostaria|gustaria|encomendar|i'?d like|would like|get me|can i (?:have|get|grab)|could i (?:have|get|grab)|grab me|may i have|i'?ll have|lemme get|gimme|add|nataka|tunataka|naomba|nipe|niletee|nitumie|ponme|me pones|pone?me|apuntame|anotame|ocupo|ocupamos|me regalas?|regalame|traeme|me traes|mandame|mandenme|me mandas|envia(?:me)?|enviar|mandar|mandem|me ve|traz|traga|pode mandar|pode enviar|pode separar|queria encomendar|gostava|arranja|reserva|quisieramos|queremos|queriamos|arrange|provide|supply|reserve|put me down for|send over|hazme|me haces|preparame|me preparas|echame|pasame|vendeme|me vendes|me llevas|llevame|me pone|me guardas|guardame|tem como (?:mandar|enviar|entregar|separar|fazer)|bota|coloca|precisava|precisaria|necesitaria)\b/;

/** Units written after a count. Measures and packaging are dropped from the product name. */
export const COUNT_UNITS = new Set(
  (
    'x pcs pc pce pces piece pieces nos no nr pkt pkts pkg packet packets pack packs plate plates portion portions ' +
    'kg kgs kilo kilos kilogram kilograms kgm g gm gms gram grams l lt lts ltr ltrs litre litres liter liters ml ' +
    'unit units unidad unidades und uds un u peca pecas pc pcs pcts pct bag bags sack sacks carton cartons ctn ctns ' +
    'tray trays crate crates box boxes tin tins can cans bottle bottles btl btls bunch bunches dozen ' +
    'plato platos orden ordenes porcion porciones racion raciones dose doses paquete paquetes bolsa bolsas caja cajas botella botellas lata latas ' +
    'quilo quilos kilo litro litros prato pratos porcao porcoes pacote pacotes saco sacos caixa caixas garrafa garrafas ' +
    'cup cups loaf loaves slice slices roll rolls tub tubs jar jars sachet sachets ' +
    // lengths and weights: cloth by the yard or metre, coffee by the pound; crates in pt-AO/MZ ("grades de Cuca")
    'sahani chupa chupa pakiti lita debe bale bales yard yards yd yds metre metres meter meters mts libra libras grade grades engradado engradados ' +
    // vocabulary round (1.3.2)
    'pair pairs par pares dozens pckt pckts pks pk ps psc pieces. pz pza pzas pieza piezas unid unids unidad. ' +
    'cx cxs caixinha caixinhas bandeja bandejas fardo fardos pote potes frasco frascos vidro vidros maco macos ' +
    'rolo rolos galao galoes duzias bolsita bolsitas charola charolas bote botes tarro tarros frasco rollo rollos ' +
    'galon galones six-pack sixpack tray. punnet punnets bundle bundles pouch pouches kilo. ' +
    'lb lbs satchet satchets bucket buckets mudu mudus basket baskets ' +
    'bowl bowls'
  ).split(/\s+/),
);

/** Packaging words that can be part of a catalog name ("tray of eggs", "carton of indomie"). */
export const CONTAINER_UNITS = new Set(
  'bag bags sack sacks carton cartons ctn tray trays crate crates box boxes tin tins bottle bottles bunch bunches pack packs packet packets cup cups loaf loaves bolsa caja botella lata latas saco caixa garrafa pacote paquete bandeja charola fardo pote frasco bucket basket bowl'.split(
    ' ',
  ),
);

/** Units that only read as a quantity when written after the product with a space: "Sugar 2 kg", "Maggi 10 nos". */
export const TRAILING_UNITS = new Set(
  'pcs pc pieces nos no pkt pkts packet packets plates plate kg kgs kilo kilos litres liters litre liter ltrs ltr units unidades und uds peças pecas pçs bags trays crates cartons boxes tins bottles dozen quilos litros pairs pares unid un cx caixas garrafas botellas latas paquetes pacotes bandejas sachets packs pkg pz pzas piezas kilo litro'.split(
    ' ',
  ),
);

/** Where a product phrase ends: purpose, timing or pickup clauses ("for my son's bday", "para llevar"). */
export const CUT_RE =
  /\s(?:que (?!de\b)[a-z]|(?:that (?:was |is )?|which (?:was |is )?|as )?(?:shown|posted|seen) (?:in|on) (?:your|ur|the)\b|(?:from|on|in) (?:your|ur) (?:status|post|page|story|catalog(?:ue)?)\b|for (?:my|our|his|her|the|a|an|pickup|pick up|pick-up|delivery|collection|takeaway|take away|today|tomorrow|tonight|lunch|dinner|me|us|breakfast|party|event|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this|next)\b|to go\b|to (?:my|our|the|his|her) (?:office|house|home|place|shop|work|school|hostel|room|flat|apartment)\b|to take away|takeaway|take away|parcel\b|para (?:el|la|los|las|mi|mis|recoger|llevar|hoy|manana|la fiesta|comer|aca|aqui|ya)\b|pa'? (?:el|la|los|las|mi|mis|recoger|llevar|hoy|manana|comer|aca|aqui|ya)\b|come (?:my|our|di|the|here|house|office|shop)\b|pra\b|pro\b|(?:for|on|para|el|o|no|na) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miercoles|jueves|viernes|sabado|domingo|segunda|terca|quarta|quinta|sexta)\b|para (?:viagem|levar|levantar|buscar|retirar|hoje|amanha|a festa|festa|o|a)\b|(?:com )?tema\b|(?:ghar|office|dukaan|dukan) (?:pe|par)\b|por favor\b|porfa\b|please\b|pls\b|plz\b|asap\b|thanks?\b|thank you\b|gracias\b|obrigad[oa]\b|a vista\b|(?:no|via|pelo|por) pix\b|ukifika\b|when you\b|cuando\b|quando\b|as we agreed|como combinado|delivered\b|asap\b|today\b|tomorrow\b|tmrw\b|tmr\b|tmw\b|2moro\b|2mrw\b|tonite\b|tonight\b|xfa\b|hoy\b|manana\b|amanha\b|hoje\b|by \d|at \d|a las \d|as \d|bhej do\b|bhejo\b|bhej dena\b|bhijwa do\b|de do\b|pack kar do\b|kar do\b|kar dena\b|chahiye\b|dedo\b)/;

/** Words that name an order block rather than a product ("Order:", "🛒 Pedido", "Diwali order"). */
export const HEADER_WORDS = new Set([
  'order', 'orders', 'items', 'item', 'pedido', 'pedidos', 'encomenda', 'encomendas', 'orden', 'lista', 'list', 'compras',
  'my', 'for', 'today', 'delivery', 'domicilio', 'lunch', 'para', 'ya', 'do', 'dia', 'de', 'la', 'fiesta', 'sabado', 'new', 'novo', 'nuevo',
]);

export const LABEL_NAME_RE =
  /^\s*(?:customer(?:'s)?\s*name|customer|client|name|nombre|nome|cliente|full name|nome completo|nombre completo|nombre y apellidos?|nome e sobrenome|your name|receiver(?:'s)?(?: name)?|recipient(?:'s)?(?: name)?|contact (?:person|name)|destinatari[oa]|destinat[aá]ri[oa]|a nombre de|em nome de|attn\.?|naam|jina)\s*[:=\-–]\s*(.*)$/i;
/** Lines that add to an address already given: "Colonia: Centro", "Bairro: Pinheiros", "Landmark: opp. Shell", "CEP: 01310-100". */
export const LABEL_ADDRESS_EXTRA_RE =
  /^\s*(landmark|nearest landmark|near(?:by)?|opp\.?|opposite|behind|beside|colonia|col\.|bairro|barrio|urbanizaci[oó]n|urbanizacao|sector|cep|c\.p\.|cp|c[oó]digo postal|postal code|post code|pin ?code|zip(?: code)?|city|town|area|estate|ciudad|cidade|municipio|munic[ií]pio|alcald[ií]a|delegaci[oó]n|freguesia|localidade|concelho|distrito|county|punto de referencia|ponto de refer[eê]ncia|refer[eê]ncia|referencia|entre calles|complemento|compl\.?|apto|apt\.?|apartment|piso|andar|depto|departamento|bloco|bloque|block|floor)\s*[:=\-–]\s*(.+)$/i;
/** Words that name the shop's information, not goods: "send me your menu", "manda o cardápio", "your account number". */
export const NOT_PRODUCT_RE =
  /^(?:(?:your|ur|the|my|our|su|tu|el|la|o|a|seu|sua)\s+)?(?:account|acct|bank|payment) (?:details|number|no\.?|info)\b|^(?:(?:your|ur|the|me|us|my|our|el|la|los|las|o|a|os|as|su|sus|tu|tus|mi|mis|seu|sua|seus|suas|meu|minha|vosso|vossa|nos|their|full|updated|latest|current|new|nuevo|nueva|novo|nova|some|more|mas|mais|algunas|algumas|uma|una|a few)\s+){0,3}(?:(?:pictures?|pics?|photos?|fotos?|imagenes|imagens|videos?|catalog(?:ue)?|catalogo|prices?|precios?|precos?|price list)(?:\s+(?:of|de|do|da|dos|das|del|for|para|pra)\b.*)?$|(?:help|ayuda|ajuda|bill|invoice|receipt|factura|fatura|nota fiscal|recibo|comprovante|conta|tab|table|mesa|broadcast list|group|grupo|updates?|discount|desconto|descuento|(?:on|en|em|no|na|nos|by|this|next|every|todos los|todas as|los|aos) (?:weekends?|sundays?|saturdays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|holidays?|public holidays?|domingos?|sabados?|lunes|martes|miercoles|jueves|viernes|feriados?|festivos?|fins? de semana|fines? de semana|segundas?|tercas?|quartas?|quintas?|sextas?)|table for \d+(?: people| persons| pax| guests)?|mesa (?:para|pra) \d+(?: personas| pessoas)?)\b|menu|menus|price ?list|prices|rates|catalog(?:ue)?|catalogo|cardapio|carta|lista de precios|lista de precos|lista|tabela(?: de precos)?|account(?: number| details| no\.?)?|acct(?: no\.?| number)?|bank details|payment details|details|location|live location|pin|ubicacion|localizacao|numero de cuenta|cuenta|clabe|chave(?: do)? pix|pix|dados bancarios|dados|pictures?|pics?|photos?|fotos?|imagenes|imagens|opciones|opcoes|options|sabores|flavou?rs?|horario|horarios|hours|contacto|contato|number|numero|info|informacion|informacoes)(?:\s+(?:pls|please|por favor|porfa|pf|sff|again|too|also|de (?:hoy|hoje|la semana|precios|precos)|do dia|for (?:today|the week)))*\s*[.!?]*$/;
export const LABEL_PHONE_RE = /^\s*(?:phone(?:\s*(?:no|number|#))?\.?|ph|tel|tele?fone|tel[eé]fono|mobile(?:\s*no)?|mob|cell?|celular|contact|contacto|contato|whats(?:app)?|zap|n[uú]mero|📞|☎️?|📱)\s*[:=\-–]?\s*(.*)$/iu;
export const LABEL_ADDRESS_RE =
  /^\s*(?:(?:delivery|shipping|full)\s+address|address|addr|adress|(?:el\s+)?3[ei]?nwan|location|loc|deliver(?:y)?\s+to|send\s+to|ship\s+to|to|delivery|deliver|(?:direcci[oó]n|endere[cç]o|morada|domicilio|address|location|lugar|local)\s+(?:de|para|da|of|for)\s+(?:entrega|envio|env[ií]o|delivery|entregar)|direcci[oó]n|direccion|domicilio|a domicilio|entregar en|entrega en|endere[cç]o|end\.?|entrega|entregar|local|site|morada|ubicaci[oó]n|localiza[cç][aã]o|📍)\s*[:=\-–]\s*(.*)$/iu;
export const LABEL_ADDRESS_NOCOLON_RE = /^\s*(?:📍|🏠|🏡)\s*(.*)$/u;
export const LABEL_NOTE_RE =
  /^\s*(?:notes?|nb|n\.b\.|obs\.?|observa[cç](?:[aã]o|[oõ]es)|observaci[oó]n(?:es)?|nota|notas|instructions?|special instructions?|delivery (?:instructions?|notes?|date|time|day)|instrucciones|instru[cç][oõ]es|comment|comments|comentarios?|coment[aá]rios?|indicaciones|detalles|detalhes|remarks?|message on (?:the )?cake|mensaje(?: en (?:el )?pastel)?|mensagem(?: no bolo)?|dedicatoria|pedido especial|payment(?: method| mode| type)?|mode of payment|pay(?:ment)? via|forma de pago|forma de pagamento|m[eé]todo de pago|pago|pagamento|date|time|day|fecha(?: de entrega)?|data(?: de entrega| da entrega)?|hora(?: de entrega)?|horario|hor[aá]rio(?: de entrega)?|d[ií]a(?: de entrega)?|when|pickup (?:time|date)|collection (?:time|date)|entrega(?: para)? (?:el|o) d[ií]a)\s*[:=\-–]\s*(.*)$/i;
export const LABEL_ITEMS_RE = /^\s*(?:items?|order|orders|my order|pedido|pedidos|orden|encomenda|products?|productos?|produtos?|lista)\s*[:=\-–]\s*(.*)$/i;
export const LABEL_PRODUCT_RE = /^\s*(?:products?|productos?|produtos?|item|art[ií]culo|artigo)\s*[:=\-–]\s*(.*)$/i;
export const LABEL_QTY_RE = /^\s*(?:qty|quantity|qtd|qtde|quantidade|cantidad|cant)\.?\s*[:=\-–]?\s*(\d+(?:[.,]\d+)?)\s*$/i;

/** Sign-off words after which a name may follow ("Thanks, Mary O.", "Gracias, Rosa", "Atte. Silvia Méndez"). */
export const SIGNOFF_WORDS_SRC =
  'thanks|thank you|thank u|thx|tnx|tanx|regards|best regards|kind regards|best|cheers|ta|love|xoxo|gracias|muchas gracias|un saludo|saludos|un abrazo|abrazos|besos|cumprimentos|atte\\.?|atentamente|bendiciones|obrigad[oa]|obg|bjs|beijos|bjos|abs|abra[cç]os|att\\.?|valeu|asante|merci|abrazo|beso|bjo|bj|bjss|beijo|beijinhos|slds|cumps|shukran|dhanyavad|dhanyawad|shukriya';

/** Sentences that are delivery notes or special instructions rather than products. */
export const NOTE_RE =
  /^(?:before \d|after \d|antes d|depois d|despues d|no |without |sin |sem |extra |less |more |add (?!(?:\d|a |an |one |two |three |four |five |six |ten |a couple |another )) ?|leave |call |ring |please call|pls call|kindly call|don'?t |do not |make it (?!(?:\d|a |an |one |two |three |four |five |six |ten |another )) ?|make sure |deliver (?:after|before|between|by)|entrega (?:so|somente|apenas|depois|antes)|entregar (?:despues|antes|depois)|llamar|ligar |tocar |toca |message on|write |escribir|escrever|size |talla |tamanho |color |colour |cor |gate code|buzz|knock|cash on delivery|cod\b|pay(?:ment)? on delivery|will pay|i will pay|i go pay|i'?ll pay|we'?ll pay|pago (?:en|contra)|pagamento|pago al|pagar na|pix\b|nitalipa|tutalipa|lipa na|pay (?:via|with|by|through|thru) |payment (?:via|with|by|through)|i go transfer|will transfer|i'?ll transfer|pago con|pago en efectivo|pagare|pagaremos|pago com|pago no|pago na|vou pagar|pagarei|vou fazer (?:o )?pix|fa[cç]o (?:o )?pix|transfiero|te transfiero|ya (?:te |le |les )?(?:deposite|transferi|pague|mande el pago|envie el pago)|ja (?:te |lhe )?(?:fiz|mandei|enviei) (?:o |a )?(?:pix|pagamento|deposito|transferencia|comprovante)|ja paguei|ja transferi|(?:i |we )?(?:have|'ve) (?:already )?(?:paid|sent (?:the )?(?:money|payment|\d)|transferred)|(?:already|just) paid|paid already|(?:i )?don pay|(?:i )?don send (?:the )?money|nimetuma|nimelipa|tumelipa|payment (?:of|done|made|sent|received)|(?:i )?(?:mandei|enviei) (?:o |a )?(?:comprovante|pix|transferencia|deposito)|(?:ahi |ya )?te (?:mande|envie) (?:la |el )?(?:transferencia|deposito|comprobante|pago))/;

/** Payment talk: how or that the customer paid ("paid via EFT, POP attached", "Mpesa nimetuma 1,190", "te mandé la transferencia"). */
export const PAYMENT_RE =
  /\b(?:paid|payment|pay (?:via|with|by|through|thru|on|cash|by card)|transfer(?:red)?|sent (?:the )?money|m-?pesa|eft|pop|proof of payment|comprovante|comprobante|pix|transferencia|transferi|transfiero|deposit(?:e|o|ado|ed)?|nequi|daviplata|multicaixa|mobile money|momo|upi|gpay|google pay|paytm|phonepe|ecocash|e-?mola|nimetuma|nimelipa|tumelipa|nitatuma|nitalipa|txn|transaction id|pago (?:con|en|por|via|contra)|pagamento|pago por|le pago|te pago|pagar(?:e|ei)? (?:con|com|por|no|na|en|via)|paguei|pague|pagu[eé]|sent (?:you )?(?:the )?(?:payment|transfer))\b/;

/** Pickup / collection: the customer comes to the shop, so no address is needed. */
export const PICKUP_RE =
  /\b(pick ?up|pick it up|picking up|take ?out|take-out|kukunin|kunin ko|collect|collection|will come|i go come pick|come pick|swing by|takeaway|take away|to go|para llevar|paso a recoger|paso por|recoger|para recoger|pasar a recoger|retirar|retirada|recogida|levantar|vou buscar|passo ai|passo aí|passo a[ií]|passo em|buscar|pra viagem|para viagem|retiro|will collect|come and take|parcel)\b/;
