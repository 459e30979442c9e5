// Held-out messages written for the parser's generalisation (not taken from the public corpus): 20 per
// language, in the styles people really use — labelled templates, free prose, bullets and emoji, agents ordering
// for a customer, lakh numbers, "7.5k", decimal commas, WhatsApp typos, rider status updates, and the questions,
// promotions and complaints that must stay `other`. Fields are compared the way the corpus scorer compares them.
import t from 'tap';
import { parseMessage, type ParseInput, type ParseResult } from '../../src/parser/index.ts';

type Biz = NonNullable<ParseInput['business']>;

const NG: Biz = {
  country: 'NG', currency: 'NGN',
  catalog: [
    { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
    { sku: 'FR', name: 'Fried Rice', price: 2500 },
    { sku: 'CH', name: 'Chicken', price: 2000 },
    { sku: 'PL', name: 'Plantain', price: 800, aliases: ['dodo'] },
    { sku: 'MM', name: 'Moi Moi', price: 700, aliases: ['moimoi'] },
    { sku: 'ZB', name: 'Zobo 50cl', price: 500, aliases: ['zobo'] },
    { sku: 'PS', name: 'Pepper Soup', price: 3000, aliases: ['goat meat pepper soup'] },
  ],
};
const IN: Biz = {
  country: 'IN', currency: 'INR',
  catalog: [
    { sku: 'ATTA', name: 'Aashirvaad Atta 10kg', price: 460, aliases: ['atta'] },
    { sku: 'TOOR', name: 'Toor Dal 1kg', price: 160, aliases: ['toor dal', 'dal'] },
    { sku: 'GHEE', name: 'Amul Ghee 1L', price: 610, aliases: ['ghee'] },
    { sku: 'RICE', name: 'Basmati Rice 5kg', price: 540, aliases: ['basmati'] },
  ],
};
const KE: Biz = { country: 'KE', currency: 'KES', catalog: [{ sku: 'CHP', name: 'Chapati', price: 30 }, { sku: 'PIL', name: 'Pilau', price: 250 }, { sku: 'SAM', name: 'Samosa', price: 50 }] };
const GH: Biz = { country: 'GH', currency: 'GHS', catalog: [{ sku: 'WK', name: 'Waakye', price: 35 }, { sku: 'KL', name: 'Kelewele', price: 15 }, { sku: 'SB', name: 'Sobolo', price: 10 }] };
const ZA: Biz = { country: 'ZA', currency: 'ZAR', catalog: [] };
const US: Biz = { country: 'US', currency: 'USD', catalog: [{ sku: 'CC', name: 'Chocolate Chip Cookie', price: 3.5, aliases: ['cookie', 'choc chip'] }, { sku: 'BR', name: 'Brownie', price: 4 }] };
const UK: Biz = { country: 'GB', currency: 'GBP', catalog: [] };
const MX: Biz = {
  country: 'MX', currency: 'MXN',
  catalog: [
    { sku: 'TPA', name: 'Taco al Pastor', price: 18, aliases: ['pastor', 'tacos al pastor'] },
    { sku: 'QSO', name: 'Quesadilla', price: 35 },
    { sku: 'HOR', name: 'Agua de Horchata', price: 25, aliases: ['horchata'] },
    { sku: 'GRN', name: 'Gringa', price: 45 },
  ],
};
const CO: Biz = { country: 'CO', currency: 'COP', catalog: [{ sku: 'EMP', name: 'Empanada', price: 2500 }, { sku: 'ARE', name: 'Arepa de Choclo', price: 6000, aliases: ['arepa'] }] };
const ES: Biz = { country: 'ES', currency: 'EUR', catalog: [] };
const BR: Biz = {
  country: 'BR', currency: 'BRL',
  catalog: [
    { sku: 'BRG', name: 'Brigadeiro', price: 2.5 },
    { sku: 'COX', name: 'Coxinha', price: 6 },
    { sku: 'PQJ', name: 'Pão de Queijo (porção)', price: 12, aliases: ['pão de queijo'] },
    { sku: 'GUA', name: 'Guaraná Lata', price: 5, aliases: ['guaraná'] },
  ],
};
const PT: Biz = { country: 'PT', currency: 'EUR', catalog: [] };

interface Expect {
  intent: ParseResult['intent'];
  name?: string | null;
  phone?: string | null;
  address?: string | null;
  /** [sku or name, quantity] in message order. */
  items?: Array<[string, number]>;
  total?: number | null;
  currency?: string | null;
  status?: ParseResult['status'];
  orderRef?: string | null;
}
interface Case {
  text: string;
  business: Biz | null;
  sender?: ParseInput['sender'];
  expect: Expect;
}

const tokens = (s: string) => new Set(s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean));
function similar(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return (2 * both) / Math.max(1, x.size + y.size);
}

/** The fields of `e` that `r` gets wrong, compared as the corpus scorer compares them. */
function mismatches(r: ParseResult, e: Expect): string[] {
  const bad: string[] = [];
  if (r.intent !== e.intent) bad.push(`intent ${r.intent} != ${e.intent}`);
  const fold = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  if (e.name !== undefined && fold(r.customer.name) !== fold(e.name)) bad.push(`name ${r.customer.name} != ${e.name}`);
  if (e.phone !== undefined && r.customer.phone !== e.phone) bad.push(`phone ${r.customer.phone} != ${e.phone}`);
  if (e.address !== undefined) {
    const ok = e.address === null ? r.address === null : r.address !== null && similar(r.address, e.address) >= 0.8;
    if (!ok) bad.push(`address ${JSON.stringify(r.address)} != ${JSON.stringify(e.address)}`);
  }
  if (e.items !== undefined) {
    const got = r.items.map((i) => [i.sku ?? i.name, i.quantity] as const);
    const ok =
      got.length === e.items.length &&
      e.items.every(([k, q], i) => {
        const g = got[i];
        return g !== undefined && g[1] === q && (g[0] === k || similar(String(g[0]), k) >= 0.8);
      });
    if (!ok) bad.push(`items ${JSON.stringify(got)} != ${JSON.stringify(e.items)}`);
  }
  const num = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 0.01);
  if (e.total !== undefined && !num(r.total, e.total)) bad.push(`total ${r.total} != ${e.total}`);
  if (e.currency !== undefined && r.currency !== e.currency) bad.push(`currency ${r.currency} != ${e.currency}`);
  if (e.status !== undefined && r.status !== e.status) bad.push(`status ${r.status} != ${e.status}`);
  if (e.orderRef !== undefined && (r.orderRef ?? '').toLowerCase() !== (e.orderRef ?? '').toLowerCase()) bad.push(`orderRef ${r.orderRef} != ${e.orderRef}`);
  if (e.intent !== 'order' && (r.items.length || r.total !== null)) bad.push('non-order with items or total');
  return bad;
}

const english: Case[] = [
  { text: 'I want jollof rice and chicken. Deliver to 14 Adeola Odeku Street, Victoria Island', business: NG, sender: { name: 'Bola', phone: '+2348051112233' },
    expect: { intent: 'order', name: 'Bola', items: [['JR', 1], ['CH', 1]], total: 4500, address: '14 Adeola Odeku Street, Victoria Island', currency: 'NGN' } },
  { text: 'Good evening, abeg I need fried rice, dodo & zobo. My place is 3 Olowu Street, Ikeja. 0812 334 5566', business: NG, sender: { name: 'Tayo' },
    expect: { intent: 'order', items: [['FR', 1], ['PL', 1], ['ZB', 1]], total: 3800, phone: '+2348123345566', address: '3 Olowu Street, Ikeja' } },
  { text: "Hi, I'd like to order 2 pizzas and 1 garlic bread delivered to 22 Baker Street, London NW1 6XE", business: UK, sender: { name: 'Sam' },
    expect: { intent: 'order', items: [['pizzas', 2], ['garlic bread', 1]], address: '22 Baker Street, London NW1 6XE', currency: 'GBP' } },
  { text: 'I will order again next week, but for now pls send 3 jollof and 2 moimoi to 9 Awolowo Road, Ikoyi', business: NG,
    expect: { intent: 'order', items: [['JR', 3], ['MM', 2]], total: 8900, address: '9 Awolowo Road, Ikoyi' } },
  { text: 'Order for my customer Mrs Chioma Eze:\n- Jollof rice x2\n- Pepper soup x1\nAddress: 21 Ogui Road, Enugu\nPhone: 0703 998 1122', business: NG, sender: { name: 'Agent Femi' },
    expect: { intent: 'order', name: 'Mrs Chioma Eze', phone: '+2347039981122', items: [['JR', 2], ['PS', 1]], total: 8000, address: '21 Ogui Road, Enugu' } },
  { text: 'Namaste bhaiya, need 2 atta and 3 toor dal. Total ₹1,400. Flat 302, Sai Krupa Apartments, Kothrud, Pune', business: IN,
    expect: { intent: 'order', items: [['ATTA', 2], ['TOOR', 3]], total: 1400, currency: 'INR', address: 'Flat 302, Sai Krupa Apartments, Kothrud, Pune' } },
  { text: 'Pls send 50 bags cement @ Rs 380 each, total Rs 1,90,000. Site: Plot 17, MIDC, Nagpur. Contact 98220 12345', business: { country: 'IN', currency: 'INR' },
    expect: { intent: 'order', items: [['cement', 50]], total: 190000, currency: 'INR', phone: '+919822012345' } },
  { text: 'hi boss 2 basmati n 1 ghee pls, deliver tmrw', business: IN, sender: { name: 'Ravi', phone: '+919811122233' },
    expect: { intent: 'order', name: 'Ravi', items: [['RICE', 2], ['GHEE', 1]], total: 1690 } },
  { text: 'Habari, I need 10 chapati and 4 samosa. Deliver to Kilimani, Argwings Kodhek Rd, Nairobi. Nitalipa na M-Pesa', business: KE,
    expect: { intent: 'order', items: [['CHP', 10], ['SAM', 4]], total: 500, currency: 'KES' } },
  { text: 'Please I want 2 waakye and kelewele, total GH₵ 85. Dansoman, near the Shell filling station', business: GH,
    expect: { intent: 'order', items: [['WK', 2], ['KL', 1]], total: 85, currency: 'GHS' } },
  { text: 'Howzit! Can I get 3 boerewors rolls and 2 cokes for R145? 12 Long Street, Cape Town', business: ZA,
    expect: { intent: 'order', items: [['boerewors rolls', 3], ['cokes', 2]], total: 145, currency: 'ZAR' } },
  { text: '🍪 Order\n• choc chip x6\n• brownie x4\nPickup Saturday 10am\nThanks!\nJenna', business: US,
    expect: { intent: 'order', name: 'Jenna', items: [['CC', 6], ['BR', 4]], total: 37, address: null } },
  { text: 'Total 7.5k for 3 jollof, pls confirm & send to 5 Bode Thomas St, Surulere', business: NG,
    expect: { intent: 'order', items: [['JR', 3]], total: 7500 } },
  { text: '#A221 delivered to customer at Lekki, collected cash', business: NG,
    expect: { intent: 'status', status: 'delivered', orderRef: 'A221' } },
  { text: 'Rider here: order 5531 picked up, on the way to Yaba now', business: NG,
    expect: { intent: 'status', status: 'out_for_delivery', orderRef: '5531' } },
  { text: 'How much is delivery to Ajah?', business: NG, expect: { intent: 'other' } },
  { text: 'Flash sale!!! 20% off all cakes this weekend only. Order now 🎂', business: US, expect: { intent: 'other' } },
  { text: 'The chicken was cold and the rice was stale. I want a refund', business: NG, expect: { intent: 'other' } },
  { text: 'Do you deliver to Abuja? I might order 5 cartons next month', business: NG, expect: { intent: 'other' } },
  { text: 'Thanks so much, received everything in good condition 🙏', business: NG, expect: { intent: 'other' } },
  { text: 'Evening! 2 jollof rice, 1 chicken. Im at 45 Herbert Macaulay Way, Yaba. Thanks, Kunle', business: NG,
    expect: { intent: 'order', name: 'Kunle', items: [['JR', 2], ['CH', 1]], total: 7000, address: '45 Herbert Macaulay Way, Yaba' } },
  { text: 'Send 4 plates of fried rice to my office: 10 Broad Street, Lagos Island. Thank you!', business: NG, sender: { name: 'Ngozi' },
    expect: { intent: 'order', name: 'Ngozi', items: [['FR', 4]], total: 10000, address: '10 Broad Street, Lagos Island' } },
  { text: 'Can you deliver 3 dozen eggs and 2 loaves of bread to 7 Mandela Drive, Sandton? R210 total', business: ZA,
    expect: { intent: 'order', items: [['eggs', 36], ['bread', 2]], total: 210, currency: 'ZAR' } },
  { text: 'Your order #KE-778 has been dispatched and will arrive in 30 mins', business: KE,
    expect: { intent: 'status', status: 'out_for_delivery', orderRef: 'KE-778' } },
  { text: 'Order 2 jollof and 1 zobo pls. Thanks!', business: NG, sender: { name: 'Ife' },
    expect: { intent: 'order', name: 'Ife', items: [['JR', 2], ['ZB', 1]], total: 5500 } },
  { text: 'hello pls do you have chapati today?', business: KE, expect: { intent: 'other' } },
  { text: 'Kindly deliver 1 pilau and 2 chapati to Westlands, Mpaka Road, Nairobi. 0722 123 456', business: KE,
    expect: { intent: 'order', items: [['PIL', 1], ['CHP', 2]], total: 310, phone: '+254722123456' } },
  { text: 'Need 5 sobolo and waakye, total 90 cedis', business: GH,
    expect: { intent: 'order', items: [['SB', 5], ['WK', 1]], total: 90, currency: 'GHS' } },
  { text: 'Thank you for your order! We will deliver tomorrow.', business: US, expect: { intent: 'other' } },
  { text: 'pls 1 jollof + 1 dodo\nPlot 14, Block B, Gwarinpa Estate, Abuja\nthanks', business: NG, sender: { name: 'Hauwa' },
    expect: { intent: 'order', name: 'Hauwa', items: [['JR', 1], ['PL', 1]], total: 3300, address: 'Plot 14, Block B, Gwarinpa Estate, Abuja' } },
  { text: '2 jollof pls. Thanks, See you soon', business: NG, sender: { name: 'Uche' },
    expect: { intent: 'order', name: 'Uche', items: [['JR', 2]] } },
  { text: 'Pls send 20 cartons of Indomie @ ₦7.5k each to Shop 12, Alaba Market. Total 150k', business: { country: 'NG', currency: 'NGN' },
    expect: { intent: 'order', items: [['Indomie', 20]], total: 150000, currency: 'NGN' } },
  { text: 'Need 2 atta, 1 ghee urgently. Bill ₹1,530. H.No 4-12, Ameerpet, Hyderabad', business: IN,
    expect: { intent: 'order', items: [['ATTA', 2], ['GHEE', 1]], total: 1530, currency: 'INR' } },
  { text: 'Delivered order #A77 to Mr Bello at Ikeja, he paid cash', business: NG,
    expect: { intent: 'status', status: 'delivered', orderRef: 'A77' } },
  { text: 'Is the fried rice still ₦2,500 or has it gone up?', business: NG, expect: { intent: 'other' } },
  { text: 'Wow the chicken last week was amazing, God bless you ma', business: NG, expect: { intent: 'other' } },
  { text: "Pls 2 jollof. I'm in Lekki Phase 1, 5 Fola Osibo Road", business: NG,
    expect: { intent: 'order', items: [['JR', 2]], address: 'Lekki Phase 1, 5 Fola Osibo Road' } },
  { text: '2 jollof pls. Thanks, Lekki Phase One', business: NG, sender: { name: 'Segun' }, expect: { intent: 'order', name: 'Segun', items: [['JR', 2]] } },
  { text: "I'm in a hurry, 2 jollof pls", business: NG, expect: { intent: 'order', items: [['JR', 2]], address: null } },
  { text: 'Pls 2 brownie n 3 cookie, collect at 5. Regards, Tom', business: US,
    expect: { intent: 'order', name: 'Tom', items: [['BR', 2], ['CC', 3]], total: 18.5, address: null } },
];

const spanish: Case[] = [
  { text: 'Hola, quiero tacos al pastor y una horchata. Calle Durango 123, Col. Roma Norte', business: MX,
    expect: { intent: 'order', items: [['TPA', 1], ['HOR', 1]], total: 43, currency: 'MXN', address: 'Calle Durango 123, Col. Roma Norte' } },
  { text: 'Buenas tardes! me mandas una quesadilla y una gringa porfa? vivo en Av. Universidad 1000, Coyoacán', business: MX, sender: { name: 'Lupita' },
    expect: { intent: 'order', name: 'Lupita', items: [['QSO', 1], ['GRN', 1]], total: 80 } },
  { text: 'Nombre: Andrés Gómez\nCel: 300 456 7890\nDirección: Cra 45 # 10-20, El Poblado, Medellín\nPedido: 6 empanadas y 2 arepas', business: CO,
    expect: { intent: 'order', name: 'Andrés Gómez', phone: '+573004567890', items: [['EMP', 6], ['ARE', 2]], total: 27000, currency: 'COP' } },
  { text: 'Pedido para la clienta Sra. Marta Ruiz: 10 tacos al pastor, 4 horchatas. Entregar en Calle Morelos 88, Centro', business: MX, sender: { name: 'Vendedor Luis' },
    expect: { intent: 'order', name: 'Sra. Marta Ruiz', items: [['TPA', 10], ['HOR', 4]], total: 280 } },
  { text: 'ola qiero 3 kesadillas y 2 orchatas xfa, paso a recoger a las 3', business: MX,
    expect: { intent: 'order', items: [['QSO', 3], ['HOR', 2]], address: null, total: 155 } },
  { text: '• 2 kg de jamón serrano a 24,50 €/kg\n• 1 queso manchego 12,90 €\nEnvío a Calle Mayor 15, 3ºB, Madrid\nGracias, Pilar', business: ES,
    expect: { intent: 'order', name: 'Pilar', currency: 'EUR', items: [['jamón serrano', 2], ['queso manchego', 1]], total: 61.9 } },
  { text: 'Te encargo 2 docenas de empanadas para el sábado. Total $60.000. Soy Camila, Calle 80 # 12-34, Bogotá', business: CO,
    expect: { intent: 'order', items: [['EMP', 24]], total: 60000, currency: 'COP' } },
  { text: 'Quiero pedir 2 pasteles de tres leches, el total es MX$ 850. Mi número 55 1234 5678', business: { country: 'MX', currency: 'MXN' },
    expect: { intent: 'order', items: [['pasteles de tres leches', 2]], total: 850, currency: 'MXN', phone: '+525512345678' } },
  { text: 'me das 5 tacos de pastor y 1 gringa. pago en efectivo. Saludos, Beto', business: MX,
    expect: { intent: 'order', name: 'Beto', items: [['TPA', 5], ['GRN', 1]], total: 135 } },
  { text: 'Necesito 3 cajas de agua de 1,5 L y 2 bolsas de hielo para hoy. Calle 10 # 43-12, Cali', business: { country: 'CO', currency: 'COP' },
    expect: { intent: 'order', items: [['agua de 1,5 L', 3], ['hielo', 2]] } },
  { text: 'El pedido 889 ya fue entregado, firmó la señora', business: MX,
    expect: { intent: 'status', status: 'delivered', orderRef: '889' } },
  { text: 'Repartidor: voy en camino con el pedido #MX-412', business: MX,
    expect: { intent: 'status', status: 'out_for_delivery', orderRef: 'MX-412' } },
  { text: 'Por favor cancelen el pedido 3021, ya no lo necesito', business: MX,
    expect: { intent: 'status', status: 'cancelled', orderRef: '3021' } },
  { text: '¿Tienen servicio a domicilio los domingos?', business: MX, expect: { intent: 'other' } },
  { text: '¿Cuánto cuestan 3 quesadillas?', business: MX, expect: { intent: 'other' } },
  { text: 'Mañana les hago el pedido de 20 tacos para la fiesta', business: MX, expect: { intent: 'other' } },
  { text: '🎉 PROMO martes: 2x1 en gringas! Solo hoy', business: MX, expect: { intent: 'other' } },
  { text: 'Muy mal servicio, la quesadilla llegó fría y tarde. Quiero mi reembolso', business: MX, expect: { intent: 'other' } },
  { text: 'Hola buenas noches 😊', business: MX, expect: { intent: 'other' } },
  { text: 'Gracias por todo, estuvo delicioso', business: MX, expect: { intent: 'other' } },
  { text: 'Quiero 2 gringas y una horchata para llevar', business: MX,
    expect: { intent: 'order', items: [['GRN', 2], ['HOR', 1]], total: 115, address: null } },
  { text: 'Buen día, me regalas 4 empanadas y una arepa? Estoy en la Calle 33 # 70-15, Laureles', business: CO,
    expect: { intent: 'order', items: [['EMP', 4], ['ARE', 1]], total: 16000 } },
  { text: 'Su pedido #4432 fue confirmado y lo estamos preparando', business: MX,
    expect: { intent: 'status', status: 'processing', orderRef: '4432' } },
  { text: 'Hola, ¿a qué hora cierran hoy?', business: MX, expect: { intent: 'other' } },
  { text: 'Para mañana: 30 tacos al pastor, 10 quesadillas. A nombre de Ricardo Peña. Tel 33 1234 5678', business: MX,
    expect: { intent: 'order', name: 'Ricardo Peña', items: [['TPA', 30], ['QSO', 10]], total: 890, phone: '+523312345678' } },
  { text: 'ya llegó el pedido 552, gracias!', business: MX, expect: { intent: 'status', status: 'delivered', orderRef: '552' } },
  { text: 'Una gringa y dos horchatas porfa, paso por ellas', business: MX,
    expect: { intent: 'order', items: [['GRN', 1], ['HOR', 2]], total: 95, address: null } },
  { text: 'Oye el precio de la quesadilla subió?', business: MX, expect: { intent: 'other' } },
  { text: 'Quiero 1 kilo de carnitas y 10 tortillas, total $320. Av. Juárez 45, Guadalajara', business: { country: 'MX', currency: 'MXN' },
    expect: { intent: 'order', items: [['carnitas', 1], ['tortillas', 10]], total: 320, currency: 'MXN' } },
  { text: 'Hola! 2 kilos de aguacate a $45,50 el kilo y 1 docena de huevos. Calle Hidalgo 12, Puebla', business: { country: 'MX', currency: 'MXN' },
    expect: { intent: 'order', items: [['aguacate', 2], ['huevos', 12]], currency: 'MXN' } },
  { text: 'Buenas, me mandas 3 qesadillas porfa. Gracias!', business: MX, sender: { name: 'Dani' },
    expect: { intent: 'order', name: 'Dani', items: [['QSO', 3]], total: 105 } },
  { text: 'Pedido:\n1) 12 tacos al pastor\n2) 3 horchatas\nTotal: $291\nRecojo en 20 min', business: MX,
    expect: { intent: 'order', items: [['TPA', 12], ['HOR', 3]], total: 291, address: null } },
  { text: 'El repartidor ya salió con el pedido 7710', business: MX, expect: { intent: 'status', status: 'out_for_delivery', orderRef: '7710' } },
  { text: 'Oigan, el pedido de ayer llegó incompleto, faltó una gringa', business: MX, expect: { intent: 'other' } },
  { text: 'Nuevo menú! Pozole los viernes 🍲 Pregunta por nuestras promociones', business: MX, expect: { intent: 'other' } },
  { text: 'Quiero 2 gringas, estoy en Insurgentes 300, Roma', business: MX,
    expect: { intent: 'order', items: [['GRN', 2]], address: 'Insurgentes 300, Roma', total: 90 } },
  { text: 'Gracias, Carlos. Nos vemos', business: MX, expect: { intent: 'other' } },
];

const portuguese: Case[] = [
  { text: 'Oi, quero coxinha e guaraná. Rua Augusta, 1500, apto 82, São Paulo', business: BR,
    expect: { intent: 'order', items: [['COX', 1], ['GUA', 1]], total: 11, currency: 'BRL', address: 'Rua Augusta, 1500, apto 82, São Paulo' } },
  { text: 'Boa noite! Vou querer 20 brigadeiros, 10 coxinhas e 2 pão de queijo. Entrega na Av. Paulista, 900, Bela Vista. Obrigada, Fernanda', business: BR,
    expect: { intent: 'order', name: 'Fernanda', items: [['BRG', 20], ['COX', 10], ['PQJ', 2]], total: 134 } },
  { text: 'Nome: João Pedro Lima\nTelefone: (21) 98765-4321\nEndereço: Rua das Laranjeiras, 45, Laranjeiras, Rio\nPedido:\n- 3 coxinhas\n- 1 guaraná\nTotal R$ 23,00', business: BR,
    expect: { intent: 'order', name: 'João Pedro Lima', phone: '+5521987654321', items: [['COX', 3], ['GUA', 1]], total: 23, address: 'Rua das Laranjeiras, 45, Laranjeiras, Rio' } },
  { text: 'Pedido pra cliente Dona Maria Helena: 50 brigadeiros e 30 coxinhas pra festa de sábado. Endereço: Rua Bahia, 300, Higienópolis', business: BR, sender: { name: 'Revendedora Ana' },
    expect: { intent: 'order', name: 'Dona Maria Helena', items: [['BRG', 50], ['COX', 30]], total: 305 } },
  { text: 'qro 2 coxinas e 3 brigadeiro vc entrega na rua xv de novembro 200, centro? meu zap 41 99876 5432', business: BR,
    expect: { intent: 'order', items: [['COX', 2], ['BRG', 3]], total: 19.5, phone: '+5541998765432' } },
  { text: '🛒 Encomenda\n▪️ Bolo de cenoura com chocolate - 1\n▪️ Torta de limão - 2\nValor: R$ 1.250,50\nRetiro no sábado', business: { country: 'BR', currency: 'BRL' },
    expect: { intent: 'order', items: [['Bolo de cenoura com chocolate', 1], ['Torta de limão', 2]], total: 1250.5, address: null, currency: 'BRL' } },
  { text: 'Bom dia! Queria 2 kg de picanha a R$ 89,90 o kg e 1 pacote de carvão. Rua Goiás, 77, Savassi, BH', business: { country: 'BR', currency: 'BRL' },
    expect: { intent: 'order', items: [['picanha', 2], ['carvão', 1]], address: 'Rua Goiás, 77, Savassi, BH' } },
  { text: 'Olá, gostaria de encomendar 12 pastéis de nata e 2 bicas. Morada: Rua Augusta 120, 2º Esq, Lisboa. Obrigado, Tiago', business: PT,
    expect: { intent: 'order', name: 'Tiago', items: [['pastéis de nata', 12], ['bicas', 2]], currency: 'EUR', address: 'Rua Augusta 120, 2º Esq, Lisboa' } },
  { text: 'manda duas porções de pão de queijo e um guaraná pra mim, to na Rua Pamplona 1200 ap 33', business: BR,
    expect: { intent: 'order', items: [['PQJ', 2], ['GUA', 1]], total: 29 } },
  { text: 'Quero fechar: 100 brigadeiros por R$ 250 total. Entregar sexta na Alameda Santos, 45', business: BR,
    expect: { intent: 'order', items: [['BRG', 100]], total: 250 } },
  { text: 'Pedido #4410 saiu para entrega com o motoboy', business: BR,
    expect: { intent: 'status', status: 'out_for_delivery', orderRef: '4410' } },
  { text: 'Entregador: pedido 2290 entregue na portaria ✅', business: BR,
    expect: { intent: 'status', status: 'delivered', orderRef: '2290' } },
  { text: 'Quero cancelar o pedido 7781, por favor', business: BR,
    expect: { intent: 'status', status: 'cancelled', orderRef: '7781' } },
  { text: 'Vocês abrem no feriado?', business: BR, expect: { intent: 'other' } },
  { text: 'Quanto custa o cento de coxinha?', business: BR, expect: { intent: 'other' } },
  { text: 'Amanhã vou fazer um pedido grande pra festa, te aviso', business: BR, expect: { intent: 'other' } },
  { text: '🔥 Promoção: 50 brigadeiros por R$ 99! Só essa semana. Encaminhe para amigos', business: BR, expect: { intent: 'other' } },
  { text: 'O pedido veio errado, pedi coxinha e veio pastel. Quero reembolso', business: BR, expect: { intent: 'other' } },
  { text: 'Obrigada! Estava tudo uma delícia 😍', business: BR, expect: { intent: 'other' } },
  { text: 'Bom dia, tudo bem?', business: BR, expect: { intent: 'other' } },
  { text: 'Quero 3 coxinhas e um guaraná, to na Rua Oscar Freire 300, Jardins', business: BR,
    expect: { intent: 'order', items: [['COX', 3], ['GUA', 1]], total: 23 } },
  { text: 'Seu pedido 9912 foi entregue. Obrigado pela preferência!', business: BR,
    expect: { intent: 'status', status: 'delivered', orderRef: '9912' } },
  { text: 'Me vê 2 pão de queijo e 1 coxinha pra retirar', business: BR,
    expect: { intent: 'order', items: [['PQJ', 2], ['COX', 1]], total: 30, address: null } },
  { text: 'Vcs fazem entrega em Niterói?', business: BR, expect: { intent: 'other' } },
  { text: 'Encomenda da Dona Célia: 40 brigadeiros, total R$ 100. Entregar na Rua Tabapuã 500, Itaim', business: BR,
    expect: { intent: 'order', items: [['BRG', 40]], total: 100 } },
  { text: 'Boa tarde! Quero 6 coxinhas. Obrigado, Marcos Silva', business: BR, sender: { name: 'Marcos' },
    expect: { intent: 'order', name: 'Marcos Silva', items: [['COX', 6]], total: 36 } },
  { text: 'pedido 3301 cancelado pelo cliente', business: BR, expect: { intent: 'status', status: 'cancelled', orderRef: '3301' } },
  { text: 'Bom dia, queria 1 bolo de chocolate de 2 kg por R$ 120,00 pra sábado. Retiro na loja', business: { country: 'BR', currency: 'BRL' },
    expect: { intent: 'order', items: [['bolo de chocolate de 2 kg', 1]], total: 120, address: null } },
  { text: 'Muito obrigado, chegou tudo certinho!', business: BR, expect: { intent: 'other' } },
  { text: 'Oi! 2 coxinhas e 1 guaraná pf\nRua Harmonia 120, Vila Madalena\nbjs, Carol', business: BR,
    expect: { intent: 'order', name: 'Carol', items: [['COX', 2], ['GUA', 1]], total: 17, address: 'Rua Harmonia 120, Vila Madalena' } },
  { text: 'Quero 3 kg de alcatra a R$ 42,90 o kg e 2 linguiças. Total R$ 150,70', business: { country: 'BR', currency: 'BRL' },
    expect: { intent: 'order', items: [['alcatra', 3], ['linguiças', 2]], total: 150.7, currency: 'BRL' } },
  { text: 'Saiu pra entrega o pedido 5120, motoboy Zé', business: BR, expect: { intent: 'status', status: 'out_for_delivery', orderRef: '5120' } },
  { text: 'Qual o valor da entrega pro Tatuapé?', business: BR, expect: { intent: 'other' } },
  { text: 'Bom dia, encomenda pra 2 de dezembro: 100 brigadeiros e 50 coxinhas', business: BR,
    expect: { intent: 'order', items: [['BRG', 100], ['COX', 50]], total: 550 } },
  { text: 'Gente, a coxinha de ontem tava fria 😕', business: BR, expect: { intent: 'other' } },
  { text: 'quero 2 coxinhas, moro na rua bahia 45, centro', business: BR,
    expect: { intent: 'order', items: [['COX', 2]], address: 'rua bahia 45, centro', total: 12 } },
  { text: '2 coxinhas, estou no trabalho', business: BR, expect: { intent: 'order', items: [['COX', 2]], address: null } },
  { text: 'Queria saber se vocês aceitam pix', business: BR, expect: { intent: 'other' } },
];

const all: Array<[string, Case[]]> = [['en', english], ['es', spanish], ['pt', portuguese]];

let failures = 0;
let total = 0;
for (const [lang, cases] of all) {
  t.test(`held-out ${lang}`, async (t) => {
    t.ok(cases.length >= 20, `${lang} has at least 20 messages`);
    for (const c of cases) {
      const r = parseMessage({ id: 'h', text: c.text, business: c.business, sender: c.sender ?? null });
      const bad = mismatches(r, c.expect);
      total++;
      if (bad.length) {
        failures++;
        if (process.env['HELDOUT_REPORT']) console.error(`${lang} ${JSON.stringify(c.text)}\n   ${bad.join('\n   ')}`);
      }
      t.same(bad, [], c.text);
    }
  });
}
t.teardown(() => {
  if (process.env['HELDOUT_REPORT']) console.error(`held-out: ${total - failures}/${total} messages fully right`);
});
