import t from 'tap';
import { parseMessage, PARSER_VERSION, type ParseExplanation, type ParseInput, type ParseResult } from '../../src/parser/index.ts';
import { parseNumberToken } from '../../src/parser/numbers.ts';
import { findMoney } from '../../src/parser/money.ts';

const NG = { country: 'NG', currency: 'NGN' };
const foodNG = {
  ...NG,
  catalog: [
    { sku: 'JR', name: 'Jollof Rice', price: 2500, aliases: ['jollof'] },
    { sku: 'CH', name: 'Chicken', price: 2000 },
    { sku: 'PL', name: 'Plantain', price: 800, aliases: ['dodo'] },
    { sku: 'CR', name: 'Coke Crate', price: 4800, aliases: ['crate of coke'] },
  ],
};
const parse = (text: string, business: ParseInput['business'] = NG, sender: ParseInput['sender'] = null): ParseResult =>
  parseMessage({ id: 't', text, business, sender });
const items = (r: ParseResult) => r.items.map((i) => [i.sku ?? i.name, i.quantity, i.unitPrice]);

t.test('version and shape', async (t) => {
  t.type(PARSER_VERSION, 'string');
  const r = parse('2x jollof', foodNG);
  t.same(Object.keys(r).sort(), ['address', 'confidence', 'currency', 'customer', 'id', 'intent', 'items', 'missing', 'notes', 'orderRef', 'status', 'total'].sort());
  t.ok(r.confidence >= 0 && r.confidence <= 1);
});

t.test('numbers in local styles', async (t) => {
  t.equal(parseNumberToken('7,500'), 7500);
  t.equal(parseNumberToken('7.500'), 7500);
  t.equal(parseNumberToken('7500.00'), 7500);
  t.equal(parseNumberToken('1.299,90'), 1299.9);
  t.equal(parseNumberToken('1,20,000'), 120000);
  t.equal(parseNumberToken('25,90'), 25.9);
  t.equal(findMoney('Total: 7.5k')[0]?.value, 7500);
  t.equal(findMoney('R$ 1.299,90')[0]?.value, 1299.9);
  t.equal(findMoney('₹1,20,000')[0]?.value, 120000);
  t.equal(findMoney('₦7 500')[0]?.value, 7500);
  t.equal(parse('2 bread\nTotal ₦7 500').total, 7500);
  t.equal(parse('2 bread\nTotal: 7.5k').total, 7500);
  t.equal(parse('2 bread = 7,500').total, 7500);
});

t.test('quantities', async (t) => {
  t.same(items(parse('2x jollof\nchicken x3\n2 pcs dodo', foodNG)), [['JR', 2, 2500], ['CH', 3, 2000], ['PL', 2, 800]]);
  t.same(items(parse('Qty: 2', NG)), []);
  t.same(items(parse('Product: Basmati rice 5kg bag\nQty: 2\nDeliver to 3 Main Street, Ikeja')), [['Basmati rice 5kg bag', 2, null]]);
  t.same(items(parse('Maggi 10 nos\nParle-G - 5 pkt')), [['Maggi', 10, null], ['Parle-G', 5, null]]);
  t.same(items(parse('please send two jollof and a dozen dodo', foodNG)), [['JR', 2, 2500], ['PL', 12, 800]]);
  t.same(items(parse('I want half a dozen meat pies')), [['meat pies', 6, null]]);
  t.same(items(parse('Quiero dos tortas y una docena de tamales', { country: 'MX', currency: 'MXN' })), [['tortas', 2, null], ['tamales', 12, null]]);
  t.same(items(parse('Quero duas coxinhas e meia dúzia de pastéis', { country: 'BR', currency: 'BRL' })), [['coxinhas', 2, null], ['pastéis', 6, null]]);
});

t.test('catalog matching: aliases, plurals, case, typos', async (t) => {
  t.same(items(parse('PLS 2 JOLOF RICE N 2 CHIKEN', foodNG)), [['JR', 2, 2500], ['CH', 2, 2000]]);
  t.same(items(parse('send 3 plantains and 1 crate of coke', foodNG)), [['PL', 3, 800], ['CR', 1, 4800]]);
  const r = parse('3 jollof, 1 goat meat pepper soup', foodNG);
  t.same(items(r), [['JR', 3, 2500], ['goat meat pepper soup', 1, null]]);
  t.equal(r.total, null, 'no total when an item has no price');
  t.equal(parse('2 jollof and 1 chicken', foodNG).total, 7000, 'total from the catalog');
});

t.test('English: Nigerian, Indian, Kenyan, Ghanaian, South African, US, UK', async (t) => {
  const ng = parse('Abeg send me 2 jollof and 1 dodo. Address na 5 Bode Thomas Street, Surulere. Call 0803 123 4567', foodNG, { name: 'Tunde' });
  t.equal(ng.intent, 'order');
  t.equal(ng.address, '5 Bode Thomas Street, Surulere');
  t.equal(ng.customer.phone, '+2348031234567');
  t.equal(ng.customer.name, 'Tunde');

  const inr = parse('Bhaiya send 2 kg onion and 5 pkt milk. Total Rs. 290/-. Flat 4, Sai Residency, Andheri East', { country: 'IN', currency: 'INR' });
  t.same(items(inr), [['onion', 2, null], ['milk', 5, null]]);
  t.equal(inr.total, 290);
  t.equal(inr.currency, 'INR');
  t.match(inr.address, /Flat 4, Sai Residency/);

  const ke = parse('Hi, 4 mandazi at 20 bob each and 1 chai 50 bob. Deliver to Kilimani, Argwings Kodhek Rd.', { country: 'KE', currency: 'KES' });
  t.same(items(ke), [['mandazi', 4, 20], ['chai', 1, 50]]);
  t.equal(ke.total, 130);

  const gh = parse('Please I need 2 waakye and 1 kelewele @ GH₵ 15. Deliver to East Legon, 5th Street. 024 412 3456', { country: 'GH', currency: 'GHS' });
  t.equal(gh.intent, 'order');
  t.equal(gh.currency, 'GHS');
  t.equal(gh.customer.phone, '+233244123456');

  const za = parse('Hi, 2 bunny chows @ R85 each and 1 koeksister R15. Deliver to 12 Long Street, Cape Town', { country: 'ZA', currency: 'ZAR' });
  t.same(items(za), [['bunny chows', 2, 85], ['koeksister', 1, 15]]);
  t.equal(za.currency, 'ZAR');
  t.equal(za.total, 185);

  const us = parse("Hey, I'd like 2 large pizzas at $14.99 each. Delivery to 88 Pine Street, Brooklyn, NY 11201. Call me at (917) 555-0162", { country: 'US', currency: 'USD' });
  t.same(items(us), [['large pizzas', 2, 14.99]]);
  t.equal(us.customer.phone, '+19175550162');
  t.equal(us.total, 29.98);

  const uk = parse('Could I order 4 sausage rolls and a Victoria sponge for collection at 12? Cheers, Dave', { country: 'GB', currency: 'GBP' });
  t.same(items(uk), [['sausage rolls', 4, null], ['Victoria sponge', 1, null]]);
  t.equal(uk.customer.name, 'Dave');
  t.same(uk.missing.includes('address'), false, 'collection needs no address');
});

t.test('Spanish', async (t) => {
  const r = parse('Hola, quiero 3 blusas de $350 c/u y 1 rebozo de $600. Envío a Calle 5 de Mayo 40, Oaxaca. Gracias, Itzel', { country: 'MX', currency: 'MXN' });
  t.same(items(r), [['blusas', 3, 350], ['rebozo', 1, 600]]);
  t.equal(r.address, 'Calle 5 de Mayo 40, Oaxaca');
  t.equal(r.customer.name, 'Itzel');
  t.equal(r.currency, 'MXN');
  t.equal(r.total, 1650);
  const lines = parse('Nombre: Jorge Ramírez\nTel: 55 2345 6789\nDirección: Av. Insurgentes Sur 1602, depto 5\nPedido:\n- 10 tacos\n- 2 refrescos', { country: 'MX', currency: 'MXN' });
  t.equal(lines.customer.name, 'Jorge Ramírez');
  t.equal(lines.customer.phone, '+525523456789');
  t.same(items(lines), [['tacos', 10, null], ['refrescos', 2, null]]);
});

t.test('Portuguese', async (t) => {
  const r = parse('Oi! Quero 2 marmitas de frango a R$ 18,00 cada e uma marmita de carne a R$ 20,00. Entregar na Rua das Flores, 88, Botafogo.', { country: 'BR', currency: 'BRL' });
  t.same(items(r), [['marmitas de frango', 2, 18], ['marmita de carne', 1, 20]]);
  t.equal(r.total, 56);
  t.equal(r.address, 'Rua das Flores, 88, Botafogo');
  const big = parse('Quero 1 geladeira por R$ 3.299,00. Endereço: Rua Chile, 22, Salvador. Meu zap (71) 99123-4567', { country: 'BR', currency: 'BRL' });
  t.equal(big.total, 3299);
  t.equal(big.customer.phone, '+5571991234567');
  t.same(items(big), [['geladeira', 1, 3299]]);
});

t.test('names: labels, sign-offs, agents', async (t) => {
  t.equal(parse('2 bread. Thanks, Mary O.', NG, { name: 'Mary Owens' }).customer.name, 'Mary O.');
  t.equal(parse('2 bread and 1 milk\n- John', NG, { name: 'J' }).customer.name, 'John');
  t.equal(parse('Name: Ada Obi\n2 bread', NG, { name: 'Ada' }).customer.name, 'Ada Obi');
  t.equal(parse('Order for Mrs Bisi Alade: 2 bags of rice. Deliver to 4 Allen Avenue, Ikeja', NG, { name: 'Agent Kola' }).customer.name, 'Mrs Bisi Alade');
  t.equal(parse('2 bread', NG, null).customer.name, null);
});

t.test('phones always E.164 with the business country', async (t) => {
  t.equal(parse('2 bread\nPhone: 0803 412 7789').customer.phone, '+2348034127789');
  t.equal(parse('2 bread. mob 07700 900456', { country: 'GB', currency: 'GBP' }).customer.phone, '+447700900456');
  t.equal(parse('2 bread', NG, { phone: '+2348031112222' }).customer.phone, '+2348031112222');
  t.equal(parse('2 bread', NG, null).customer.phone, null);
  t.ok(parse('2 bread', NG, null).missing.includes('phone'));
});

t.test('addresses and notes', async (t) => {
  const r = parse('Good day, pls deliver 4 Eva water.\nAddress:\nFlat 3, Block C\nLSDPC Estate\nOgba, Lagos\nWill pay on delivery');
  t.equal(r.address, 'Flat 3, Block C, LSDPC Estate, Ogba, Lagos');
  t.same(items(r), [['Eva water', 4, null]]);
  const n = parse('2 jollof, no onions. Deliver to 3 Allen Avenue, Ikeja. Call when you arrive', foodNG);
  t.same(items(n), [['JR', 2, 2500]]);
  t.match(n.notes ?? '', /no onions/);
  const p = parse('2 jollof, will pick up at 6pm', foodNG);
  t.equal(p.address, null);
  t.notOk(p.missing.includes('address'));
});

t.test('status messages', async (t) => {
  const cases: Array<[string, string, string | null]> = [
    ['#1042 delivered', 'delivered', '1042'],
    ['pedido 77 saiu para entrega', 'out_for_delivery', '77'],
    ['cancel order 12', 'cancelled', '12'],
    ['order A13 is out for delivery', 'out_for_delivery', 'A13'],
    ['Your order #NG-2231 has been delivered ✅', 'delivered', 'NG-2231'],
    ['Su pedido 1544 ya se está preparando', 'processing', '1544'],
    ['Cancela mi pedido 77 por favor', 'cancelled', '77'],
    ['Seu pedido nº 1290 está em preparo', 'processing', '1290'],
    ['Pagamento recebido, seu pedido #BR-77 está confirmado.', 'confirmed', 'BR-77'],
  ];
  for (const [text, status, ref] of cases) {
    const r = parse(text);
    t.equal(r.intent, 'status', text);
    t.equal(r.status, status, text);
    t.equal(r.orderRef, ref, text);
    t.same(r.items, []);
  }
});

t.test('other: questions, enquiries, future intent, greetings, bot confirmations, promotions', async (t) => {
  for (const text of [
    'how much for 2 crates?',
    'How much is your jollof rice per plate?',
    'What is the price of 10kg atta?',
    '¿Cuánto cuesta la gringa?',
    'Quanto tá o cento de brigadeiro?',
    'I will order tomorrow',
    'Thanks bhaiya, will order again next week',
    'Good morning ma, are you open today?',
    '✅ Order #1042 confirmed. Total ₦7,500',
    '✅ Order confirmed! Order #A12\n2x Jollof Rice, 1x Chicken\nTotal: ₦7,000\nReply STATUS to track your order.',
    '🤖 Mensagem automática: Pedido confirmado! Pedido #A12. Total R$ 59,60.',
    'Forwarded many times\n*FREE 20GB DATA* Click here: http://x.win',
    '🔥 PROMO: 2 pizzas for $15 this weekend only!',
    'Thank you so much, the jollof was sweet die 😋',
    'Do you have gluten free options?',
    'Boa tarde, tem pão de queijo hoje?',
    '🎤 Voice note (0:37)',
    'My order has not arrived yet, I ordered 2 jollof an hour ago',
    'Hello',
  ]) {
    const r = parse(text, foodNG);
    t.equal(r.intent, 'other', text);
    t.same(r.items, [], text);
    t.equal(r.total, null, text);
  }
});

t.test('orders that contain a question are still orders', async (t) => {
  t.equal(parse('hi i need 1 charger and 2 screen guards. how much total? send to Shop 4, Lamington Road, Mumbai').intent, 'order');
  t.equal(parse('Can I get a dozen cupcakes for pickup Saturday?').intent, 'order');
  t.equal(parse('Me mandas 2 pizzas hawaianas de $189 cada una? Av. Universidad 1000, Coyoacán', { country: 'MX', currency: 'MXN' }).intent, 'order');
});

t.test('currency rules', async (t) => {
  t.equal(parse('2 bread @ $3', { country: 'US', currency: 'USD' }).currency, 'USD');
  t.equal(parse('2 tacos @ $30', { country: 'MX', currency: 'MXN' }).currency, 'MXN');
  t.equal(parse('2 bread @ $3', { country: 'NG', currency: 'NGN' }).currency, 'USD');
  t.equal(parse('2 bread @ €3', { country: 'NG', currency: 'NGN' }).currency, 'EUR');
  t.equal(parse('2 sandías a 60 pesos c/u', null).currency, 'MXN');
  t.equal(parse('2 bread', null).currency, null);
  t.equal(parse('2 bread @ £2.50', null).currency, 'GBP');
});

t.test('1.12.0: a price after a dash that follows a written count, a count before its price, new currencies', async (t) => {
  const a = parse('Items:\n- Matoke x2 - 12,000\n- Rolex - 1 - 3,000\nAddress: Ntinda, Kigoma road', { country: 'UG', currency: 'UGX' });
  t.same(a.items.map((i) => [i.name, i.quantity, i.unitPrice]), [['Matoke', 2, 12000], ['Rolex', 1, 3000]]);
  const b = parse('Naomba samosa 4 @ 40 na maandazi 3 @ 20. Niko Kariakoo, mtaa wa Msimbazi', { country: 'TZ', currency: 'TZS' });
  t.same(b.items.map((i) => [i.name, i.quantity, i.unitPrice]), [['samosa', 4, 40], ['maandazi', 3, 20]]);
  t.equal(parse('Queria 2 pasteis (150 escudos cada). Entrega em Plateau, Rua 3, Praia', { country: 'CV', currency: 'CVE' }).items[0]?.unitPrice, 150);
  t.equal(parse('2 Chicken Tikka (PKR 600 each). Address: House 4, Street 9, G-9/1, Islamabad', { country: 'PK', currency: 'PKR' }).items[0]?.name, 'Chicken Tikka');
});

t.test('1.12.0: doubts for a number left in a name and a name guessed from the last sentence', async (t) => {
  const ex: ParseExplanation = {};
  const n = parseMessage({ text: 'Pls send 2 suya and 1 zobo. Deliver to Wuse 2 Abuja, plot 45 Aminu Kano', business: { country: 'NG', currency: 'NGN' } }, ex);
  const withNumber = n.items.filter((i) => !i.sku && /(?:^|\s)\d[\d.,]*(?=\s|$)/.test(i.name)).length;
  t.equal(ex.doubts?.numberInName, withNumber, 'every free-text name holding a bare number is a doubt');
  const clean: ParseExplanation = {};
  parseMessage({ text: '2 Pepsi 1.5L and 1 Milo 400g. Deliver to 3 Adeola Odeku St, VI', business: { country: 'NG', currency: 'NGN' } }, clean);
  t.equal(clean.doubts?.numberInName, 0, 'a size is not a bare number');
  const guessed: ParseExplanation = {};
  const r = parseMessage({ text: '2 jollof rice and 1 moi moi. Deliver to 12 Bode Thomas St, Surulere. Bisi Ade', sender: { name: 'Tunde', phone: '+2348031112222' }, business: { country: 'NG', currency: 'NGN' } }, guessed);
  t.equal(r.customer.name, 'Bisi Ade');
  t.equal(guessed.doubts?.guessedName, true, 'a closing name unlike the sender is a guess');
  t.ok(r.confidence < 0.9, `confidence ${r.confidence} sends it to review`);
  const pay: ParseExplanation = {};
  const p = parseMessage({ text: 'Nitumie chapo 3 na chai 2. Niko Githurai 45, near the stage. Ntalipa M-Pesa', sender: { name: 'Wanjiru', phone: '+254700111222' }, business: { country: 'KE', currency: 'KES' } }, pay);
  t.equal(p.customer.name, 'Wanjiru', 'a payment sentence is not a sign-off name');
});

t.test('1.12.0: purpose and theme phrases end a name; place parts before a street word join the address', async (t) => {
  const a = parse('Quero 2 bolos de cenoura e 1 caixa de bombons para festa de domingo. Entrega na Rua Augusta 300, Lisboa', { country: 'PT', currency: 'EUR' });
  t.same(a.items.map((i) => i.name).slice(-1), ['bombons']);
  const b = parse('Queria 2 topos de bolo tema Frozen e 30 docinhos. Entrega Rua do Ouro 12, Porto', { country: 'PT', currency: 'EUR' });
  t.equal(b.items[0]?.name, 'topos de bolo');
  const c = parse('Bhai 2 Sting 500ml aur 1 Dairy Milk ghar pe bhej do 🙏 DHA Phase 5, Street 9, House 12, Lahore', { country: 'PK', currency: 'PKR' });
  t.same(c.items.map((i) => i.name), ['Sting 500ml', 'Dairy Milk']);
  t.equal(c.address, 'DHA Phase 5, Street 9, House 12, Lahore');
});
