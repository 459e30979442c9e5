// Vocabulary coverage: one short realistic message per lexicon family (request verbs, labels, units, number words,
// status words, enquiry/complaint/future cues) in en/es/pt and their regional variants. Each row names only the
// fields it is about.
import t from 'tap';
import { parseMessage, type ParseResult } from '../../src/parser/index.ts';

type Row = {
  family: string;
  text: string;
  country?: string;
  currency?: string;
  intent: 'order' | 'status' | 'other';
  items?: Array<[string, number]>;
  status?: string;
  ref?: string;
  name?: string;
  phone?: string;
  address?: string | null;
  notes?: string;
  total?: number;
};

const NG = 'NG', KE = 'KE', IN = 'IN', ZA = 'ZA', GH = 'GH', MX = 'MX', ES = 'ES', BR = 'BR', PT = 'PT', GB = 'GB';

export const ROWS: Row[] = [
  // request verbs — en
  { family: 'en pls send', text: 'pls send 2 loaves of bread and 1 milk', country: NG, intent: 'order', items: [['bread', 2], ['milk', 1]] },
  { family: 'en kindly deliver', text: 'Kindly deliver 3 packs of Indomie', country: NG, intent: 'order', items: [['Indomie', 3]] },
  { family: 'en get me', text: 'Get me 2 shawarma and 1 chapman', country: NG, intent: 'order', items: [['shawarma', 2], ['chapman', 1]] },
  { family: 'en can I have', text: 'Can I have 2 chicken pies and a coke', country: GB, intent: 'order', items: [['chicken pies', 2], ['coke', 1]] },
  { family: 'en make it', text: 'Make it 4 meat pies', country: NG, intent: 'order', items: [['meat pies', 4]] },
  { family: 'en add', text: 'Add 2 samosas', country: KE, intent: 'order', items: [['samosas', 2]] },
  { family: "en I'd like", text: "I'd like 3 croissants", country: GB, intent: 'order', items: [['croissants', 3]] },
  { family: 'pidgin I wan buy', text: 'I wan buy 2 crates of eggs', country: NG, intent: 'order', items: [['eggs', 2]] },
  { family: 'pidgin abeg', text: 'Abeg bring 2 plates of amala', country: NG, intent: 'order', items: [['amala', 2]] },
  { family: 'sw nataka', text: 'Nataka 2kg sukuma na 1 unga', country: KE, intent: 'order', items: [['sukuma', 2], ['unga', 1]] },
  { family: 'IN please do the needful', text: 'Please send 2 kg atta and 1 litre oil', country: IN, intent: 'order', items: [['atta', 2], ['oil', 1]] },
  { family: 'ZA can I get', text: 'Can I get 2 kotas and 1 Stoney', country: ZA, intent: 'order', items: [['kotas', 2], ['Stoney', 1]] },
  // request verbs — es
  { family: 'es me das', text: 'Me das 2 kilos de tortillas y 1 refresco', country: MX, intent: 'order', items: [['tortillas', 2], ['refresco', 1]] },
  { family: 'es mándame', text: 'Mándame 3 empanadas', country: MX, intent: 'order', items: [['empanadas', 3]] },
  { family: 'es ponme', text: 'Ponme 2 cafés con leche', country: ES, intent: 'order', items: [['cafés con leche', 2]] },
  { family: 'es me pones', text: 'Me pones 1 tortilla de patatas', country: ES, intent: 'order', items: [['tortilla de patatas', 1]] },
  { family: 'es me regalas', text: 'Me regalas 2 arepas', country: 'CO', intent: 'order', items: [['arepas', 2]] },
  { family: 'es apúntame', text: 'Apúntame 6 croquetas', country: ES, intent: 'order', items: [['croquetas', 6]] },
  { family: 'es ocupo', text: 'Ocupo 3 tamales y 2 atoles', country: MX, intent: 'order', items: [['tamales', 3], ['atoles', 2]] },
  { family: 'es necesito', text: 'Necesito 5 bolillos', country: MX, intent: 'order', items: [['bolillos', 5]] },
  // request verbs — pt
  { family: 'pt me vê', text: 'Me vê 2 pães de queijo e 1 café', country: BR, intent: 'order', items: [['pães de queijo', 2], ['café', 1]] },
  { family: 'pt traz', text: 'Traz 3 coxinhas', country: BR, intent: 'order', items: [['coxinhas', 3]] },
  { family: 'pt vou querer', text: 'Vou querer 2 marmitas', country: BR, intent: 'order', items: [['marmitas', 2]] },
  { family: 'pt separa', text: 'Separa 2 kg de picanha pra mim', country: BR, intent: 'order', items: [['picanha', 2]] },
  { family: 'pt pode mandar', text: 'Pode mandar 4 brigadeiros', country: BR, intent: 'order', items: [['brigadeiros', 4]] },
  { family: 'pt fazer um pedido', text: 'Quero fazer um pedido: 2 pizzas calabresa', country: BR, intent: 'order', items: [['pizzas calabresa', 2]] },
  { family: 'pt-PT queria encomendar', text: 'Queria encomendar 2 pastéis de nata, se faz favor', country: PT, intent: 'order', items: [['pastéis de nata', 2]] },
  { family: 'pt-PT era', text: 'Era 1 bifana e 2 imperiais', country: PT, intent: 'order', items: [['bifana', 1], ['imperiais', 2]] },
  { family: 'pt-PT pode enviar', text: 'Pode enviar 3 caixas de morangos', country: PT, intent: 'order', items: [['morangos', 3]] },
  // labels
  { family: 'label Nome completo', text: 'Nome completo: Ana Paula Souza\nTelemóvel: 912 345 678\nMorada: Rua Augusta 45, Lisboa\n2 bolos de arroz', country: PT, intent: 'order', name: 'Ana Paula Souza', phone: '+351912345678', address: 'Rua Augusta 45, Lisboa', items: [['bolos de arroz', 2]] },
  { family: 'label Telf/Móvil/Dirección de entrega', text: 'Nombre: Lucía Gómez\nMóvil: 612 345 678\nDirección de entrega: Calle Mayor 12, 3ºB, Madrid\n2 tartas de queso', country: ES, intent: 'order', name: 'Lucía Gómez', phone: '+34612345678', address: 'Calle Mayor 12, 3ºB, Madrid', items: [['tartas de queso', 2]] },
  { family: 'label Cel/Colonia', text: 'Nombre: Jorge Ruiz\nCel: 55 1234 5678\nDirección: Av. Juárez 50\nColonia: Centro\n3 tortas', country: MX, intent: 'order', name: 'Jorge Ruiz', phone: '+525512345678', items: [['tortas', 3]] },
  { family: 'label Endereço de entrega/Obs', text: 'Nome: Carla Dias\nCelular: (11) 98765-4321\nEndereço de entrega: Rua das Flores 88, Pinheiros\n2 açaí 500ml\nObs: sem granola', country: BR, intent: 'order', name: 'Carla Dias', phone: '+5511987654321', address: 'Rua das Flores 88, Pinheiros', notes: 'sem granola' },
  { family: 'label Landmark/Instructions', text: 'Name: Priya Nair\nMobile: 98450 12345\nAddress: 12, 3rd Cross, Indiranagar\nLandmark: near CMH Hospital\n2 masala dosa\nInstructions: less spicy', country: IN, intent: 'order', name: 'Priya Nair', phone: '+919845012345', notes: 'less spicy', items: [['masala dosa', 2]] },
  { family: 'label Observação/Nota', text: '2 pizzas margherita\nObservação: sem cebola', country: BR, intent: 'order', notes: 'sem cebola', items: [['pizzas margherita', 2]] },
  { family: 'label Notas (es)', text: '3 tacos al pastor\nNotas: sin cebolla', country: MX, intent: 'order', notes: 'sin cebolla', items: [['tacos al pastor', 3]] },
  { family: 'label block pt-PT (Tlm/Código postal/Observações)', text: 'Nome: Rui Costa\nTlm: 912 345 678\nMorada: Av. da Liberdade 100, 3º Dto\nCódigo postal: 1250-096 Lisboa\nEncomenda:\n- 6 pastéis de nata\n- 2 broas\nObservações: tocar à campainha', country: PT, intent: 'order', name: 'Rui Costa', phone: '+351912345678', address: 'Av. da Liberdade 100, 3º Dto, 1250-096 Lisboa', items: [['pastéis de nata', 6], ['broas', 2]] },
  { family: 'label block es (Nombre y apellidos/Tlf/CP/Comentarios)', text: 'Nombre y apellidos: Ana Martín\nTlf: 611 222 333\nDirección: C/ Mayor 5, 2ºA\nCP: 28013 Madrid\nPedido:\n• 2 empanadas gallegas\n• 1 tortilla\nComentarios: sin cebolla', country: ES, intent: 'order', name: 'Ana Martín', phone: '+34611222333', items: [['empanadas gallegas', 2], ['tortilla', 1]] },
  { family: 'label block pt (Ponto de referência/Forma de pagamento)', text: 'Nome: Fernanda Lima\nEnd.: Rua Voluntários da Pátria 190, Botafogo\nPonto de referência: ao lado da farmácia\nPedido:\n2x Açaí 500ml\n1x Tapioca de frango\nForma de pagamento: pix', country: BR, intent: 'order', address: 'Rua Voluntários da Pátria 190, Botafogo, ao lado da farmácia', items: [['Açaí 500ml', 2], ['Tapioca de frango', 1]] },
  { family: 'label block NG caps (DELIVERY DATE)', text: 'NAME: CHIOMA OBI\nPHONE NO: 0809 876 5432\nADDRESS: 3 ADEWALE CLOSE, MAGODO PHASE 2\nORDER: 2 TRAYS OF SMALL CHOPS, 1 CAKE\nDELIVERY DATE: SATURDAY', country: NG, intent: 'order', name: 'CHIOMA OBI', items: [['SMALL CHOPS', 2], ['CAKE', 1]] },
  // units and count words
  { family: 'unit pairs', text: 'I need 2 pairs of school socks', country: KE, intent: 'order', items: [['school socks', 2]] },
  { family: 'unit pkts/nos', text: 'Send 3 pkts biscuits and 5 nos samosa', country: IN, intent: 'order', items: [['biscuits', 3], ['samosa', 5]] },
  { family: 'unit un/unid', text: 'Quero 10 un de pão francês e 2 unid. de manteiga', country: BR, intent: 'order', items: [['pão francês', 10], ['manteiga', 2]] },
  { family: 'unit cx/garrafas', text: 'Manda 2 cx de leite e 3 garrafas de vinho', country: BR, intent: 'order', items: [['leite', 2], ['vinho', 3]] },
  { family: 'unit botellas/latas', text: 'Quiero 3 botellas de agua y 4 latas de coca', country: MX, intent: 'order', items: [['agua', 3], ['coca', 4]] },
  { family: 'unit bags/tins/sachets', text: 'I need 2 bags of rice, 3 tins of milk and 10 sachets of water', country: GH, intent: 'order', items: [['rice', 2], ['milk', 3], ['water', 10]] },
  { family: 'unit paquetes/bandejas', text: 'Quiero 2 paquetes de galletas y 1 bandeja de huevos', country: MX, intent: 'order', items: [['galletas', 2], ['huevos', 1]] },
  { family: 'unit pacote/bandeja', text: 'Quero 2 pacotes de café e 1 bandeja de ovos', country: BR, intent: 'order', items: [['café', 2], ['ovos', 1]] },
  { family: 'unit quilos/litros', text: 'Manda 2 quilos de arroz e 3 litros de leite', country: BR, intent: 'order', items: [['arroz', 2], ['leite', 3]] },
  { family: 'unit dozens', text: 'I want 2 dozens of eggs', country: NG, intent: 'order', items: [['eggs', 24]] },
  // number words
  { family: 'num en thirteen..nineteen', text: 'I need sixteen cupcakes and eighteen doughnuts', country: GB, intent: 'order', items: [['cupcakes', 16], ['doughnuts', 18]] },
  { family: 'num en a couple of', text: 'Send a couple of meat pies', country: NG, intent: 'order', items: [['meat pies', 2]] },
  { family: 'num es trece..diecinueve', text: 'Quiero catorce tamales y dieciséis tortillas', country: MX, intent: 'order', items: [['tamales', 14], ['tortillas', 16]] },
  { family: 'num es un par de', text: 'Quiero un par de conchas', country: MX, intent: 'order', items: [['conchas', 2]] },
  { family: 'num es media docena', text: 'Quiero media docena de donas', country: MX, intent: 'order', items: [['donas', 6]] },
  { family: 'num pt treze..dezenove', text: 'Quero dezesseis brigadeiros e treze beijinhos', country: BR, intent: 'order', items: [['brigadeiros', 16], ['beijinhos', 13]] },
  { family: 'num pt-PT dezasseis', text: 'Queria dezassete pastéis de bacalhau', country: PT, intent: 'order', items: [['pastéis de bacalhau', 17]] },
  { family: 'num pt um par de', text: 'Quero um par de chinelos', country: BR, intent: 'order', items: [['chinelos', 2]] },
  { family: 'num pt meia dúzia', text: 'Quero meia dúzia de ovos', country: BR, intent: 'order', items: [['ovos', 6]] },
  { family: 'num fraction 1/2 kg', text: 'Pls send 1/2 kg paneer', country: IN, intent: 'order', items: [['paneer', 0.5]] },
  { family: 'num half kg', text: '2 kg onion, 1 kg tomato, half kg ginger', country: IN, intent: 'order', items: [['onion', 2], ['tomato', 1], ['ginger', 0.5]] },
  { family: 'num es medio kilo', text: 'Quiero medio kilo de queso oaxaca', country: MX, intent: 'order', items: [['queso oaxaca', 0.5]] },
  { family: 'en could I grab', text: 'Could I grab 2 sausage rolls and a flat white?', country: GB, intent: 'order', items: [['sausage rolls', 2], ['flat white', 1]] },
  { family: 'es-ES podéis', text: 'Buenas, ¿me podéis mandar 2 pizzas?', country: ES, intent: 'order', items: [['pizzas', 2]] },
  { family: 'pt manda aí', text: 'Manda aí 2 x-burguer e 1 coca lata', country: BR, intent: 'order', items: [['x-burguer', 2], ['coca lata', 1]] },
  { family: 'es unos', text: 'Me traes una coca de 600 y unos chicharrones', country: MX, intent: 'order', items: [['coca de 600', 1], ['chicharrones', 1]] },
  // status words
  { family: 'status en dispatched', text: 'Order #A21 dispatched', intent: 'status', status: 'out_for_delivery', ref: 'A21' },
  { family: 'status en en route', text: 'Order 1042 is en route', intent: 'status', status: 'out_for_delivery', ref: '1042' },
  { family: 'status en picked up by rider', text: '#552 picked up by rider', intent: 'status', status: 'out_for_delivery', ref: '552' },
  { family: 'status en dropped off', text: 'Order #77 dropped off at the gate', intent: 'status', status: 'delivered', ref: '77' },
  { family: 'status en done', text: 'Order #B12 done and delivered', intent: 'status', status: 'delivered', ref: 'B12' },
  { family: 'status en cancel', text: 'Pls cancel order 88', intent: 'status', status: 'cancelled', ref: '88' },
  { family: 'status es va en camino', text: 'Tu pedido #305 va en camino', intent: 'status', status: 'out_for_delivery', ref: '305' },
  { family: 'status es ya salió', text: 'El pedido 912 ya salió', intent: 'status', status: 'out_for_delivery', ref: '912' },
  { family: 'status es ya se entregó', text: 'Pedido #44 ya se entregó', intent: 'status', status: 'delivered', ref: '44' },
  { family: 'status es anula', text: 'Anula el pedido 650 porfa', intent: 'status', status: 'cancelled', ref: '650' },
  { family: 'status pt saiu para entrega', text: 'Pedido #1290 saiu para entrega', intent: 'status', status: 'out_for_delivery', ref: '1290' },
  { family: 'status pt entregamos', text: 'Entregamos o pedido 331 agora', intent: 'status', status: 'delivered', ref: '331' },
  { family: 'status pt cancela', text: 'Cancela o pedido 512 por favor', intent: 'status', status: 'cancelled', ref: '512' },
  { family: 'status pt preparando', text: 'Pedido #88 já está preparando', intent: 'status', status: 'processing', ref: '88' },
  { family: 'status pt confirmado', text: 'Pedido 77 confirmado, obrigado', intent: 'status', status: 'confirmed', ref: '77' },
  { family: 'en arrange', text: 'Kindly arrange 10 nos samosa for tomorrow', country: IN, intent: 'order', items: [['samosa', 10]] },
  { family: 'en do me', text: 'Pls do 2 chicken wraps for me', country: NG, intent: 'order', items: [['chicken wraps', 2]] },
  { family: 'en send over', text: 'Could you please send over 3 bags of charcoal', country: KE, intent: 'order', items: [['charcoal', 3]] },
  { family: 'en reserve', text: 'Reserve 2 whole chickens for me', country: ZA, intent: 'order', items: [['whole chickens', 2]] },
  { family: 'en put me down for', text: 'Put me down for 2 trays of eggs', country: GH, intent: 'order', items: [['eggs', 2]] },
  { family: 'IN required/provide', text: 'Required 5 kg rice and pls provide 2 ltr milk', country: IN, intent: 'order', items: [['rice', 5], ['milk', 2]] },
  { family: 'es me haces', text: '¿Me haces 3 tortas de milanesa?', country: MX, intent: 'order', items: [['tortas de milanesa', 3]] },
  { family: 'es échame', text: 'Échame 3 tacos de suadero', country: MX, intent: 'order', items: [['tacos de suadero', 3]] },
  { family: 'es véndeme/me llevas', text: 'Me llevas 2 garrafones', country: MX, intent: 'order', items: [['garrafones', 2]] },
  { family: 'es sería', text: 'Sería 1 pizza grande y 2 refrescos', country: MX, intent: 'order', items: [['pizza grande', 1], ['refrescos', 2]] },
  { family: 'es me pone', text: 'Me pone 2 cañas y 1 ración de bravas', country: ES, intent: 'order', items: [['cañas', 2], ['bravas', 1]] },
  { family: 'es me guardas', text: 'Me guardas 2 roscas', country: MX, intent: 'order', items: [['roscas', 2]] },
  { family: 'pt tem como', text: 'Tem como mandar 2 pizzas?', country: BR, intent: 'order', items: [['pizzas', 2]] },
  { family: 'pt bota', text: 'Bota 2 guaranás', country: BR, intent: 'order', items: [['guaranás', 2]] },
  { family: 'pt mais', text: 'Quero 2 coxinhas. Mais 2 quibes', country: BR, intent: 'order', items: [['coxinhas', 2], ['quibes', 2]] },
  { family: 'pt precisava', text: 'Precisava de 3 kg de batata', country: BR, intent: 'order', items: [['batata', 3]] },
  { family: 'pt-PT arranja-me', text: 'Arranja-me 2 bolas de berlim', country: PT, intent: 'order', items: [['bolas de berlim', 2]] },
  { family: 'pt-PT pode ser', text: 'Pode ser 2 francesinhas', country: PT, intent: 'order', items: [['francesinhas', 2]] },
  { family: 'status pidgin don carry', text: 'Rider don carry your order #33', intent: 'status', status: 'out_for_delivery', ref: '33' },
  { family: 'status en on the road', text: 'Order #45 is on the road', intent: 'status', status: 'out_for_delivery', ref: '45' },
  { family: 'status pt-PT expedida', text: 'A encomenda 771 já foi expedida', intent: 'status', status: 'out_for_delivery', ref: '771' },
  { family: 'status es en reparto', text: 'El pedido 12 ya está en reparto', intent: 'status', status: 'out_for_delivery', ref: '12' },
  { family: 'status pt com o entregador', text: 'Pedido 990 já está com o entregador', intent: 'status', status: 'out_for_delivery', ref: '990' },
  { family: 'pidgin make una send … come my shop', text: 'Oga abeg make una send 4 meat pie come my shop, Shop 12 Balogun Market', country: NG, intent: 'order', address: 'Shop 12 Balogun Market', items: [['meat pie', 4]] },
  { family: 'sw niko / nitalipa', text: 'Niaje, naomba 2 chapati na 1 pilau, niko Kasarani, Mwiki road. Nitalipa na mpesa', country: KE, intent: 'order', address: 'Kasarani, Mwiki road', notes: 'Nitalipa na mpesa', items: [['chapati', 2], ['pilau', 1]] },
  { family: "es pa' la", text: "Ocupo 2 litros de salsa pa' la fiesta", country: MX, intent: 'order', items: [['salsa', 2]] },
  { family: 'es soy (name)', text: 'Me regalas 2 gelatinas? Soy Karla', country: MX, intent: 'order', name: 'Karla', items: [['gelatinas', 2]] },
  { family: 'pt me chamo (name)', text: 'Quero 2 esfihas. Me chamo Renata', country: BR, intent: 'order', name: 'Renata', items: [['esfihas', 2]] },
  { family: 'address stops at porfa', text: 'Me mandas 2 gringas a Av. Universidad 300, Col. Narvarte porfa', country: MX, intent: 'order', address: 'Av. Universidad 300, Col. Narvarte', items: [['gringas', 2]] },
  { family: "address 'near the Total station'", text: 'Please bring 10 mandazi to Kahawa West, near the Total petrol station', country: KE, intent: 'order', address: 'Kahawa West, near the Total petrol station', items: [['mandazi', 10]] },
  // greetings and addressing words before a request
  { family: 'ZA howzit', text: 'Howzit bru can I get 2 bunny chows', country: ZA, intent: 'order', items: [['bunny chows', 2]] },
  { family: 'KE sasa', text: 'Sasa boss niletee 2 kg nyama', country: KE, intent: 'order', items: [['nyama', 2]] },
  { family: 'GH chale', text: 'Chale bring me 3 packs of waakye', country: GH, intent: 'order', items: [['waakye', 3]] },
  { family: 'IN ji', text: 'Bhaiya ji send 2 kg onion', country: IN, intent: 'order', items: [['onion', 2]] },
  { family: 'es oye joven', text: 'Oye joven me mandas 4 tortas de jamón', country: MX, intent: 'order', items: [['tortas de jamón', 4]] },
  { family: 'pt moço', text: 'Moço me vê 2 pastéis de carne', country: BR, intent: 'order', items: [['pastéis de carne', 2]] },
  { family: 'pt-PT boas', text: 'Boas, queria 6 pastéis de nata', country: PT, intent: 'order', items: [['pastéis de nata', 6]] },
  // more labels
  { family: 'label Tlf/WhatsApp', text: 'Nombre completo: Marta Ríos\nWhatsApp: 644 112 233\nDirección: Calle Sol 3, Sevilla\n2 bocadillos', country: ES, intent: 'order', name: 'Marta Ríos', phone: '+34644112233', items: [['bocadillos', 2]] },
  { family: 'label Colonia appended', text: 'Dirección: Calle Pino 17\nColonia: Las Águilas\n3 tortas', country: MX, intent: 'order', address: 'Calle Pino 17, Las Águilas', items: [['tortas', 3]] },
  { family: 'label Bairro/CEP appended', text: 'Endereço: Rua Aurora 90\nBairro: Centro\n2 marmitas', country: BR, intent: 'order', address: 'Rua Aurora 90, Centro', items: [['marmitas', 2]] },
  { family: 'label Landmark appended', text: 'Address: Plot 4, Ring Road\nLandmark: opposite Shell filling station\n2 packs jollof', country: NG, intent: 'order', address: 'Plot 4, Ring Road, opposite Shell filling station', items: [['jollof', 2]] },
  { family: 'label Valor total', text: '2 pizzas R$ 40\nValor total: R$ 80', country: BR, currency: 'BRL', intent: 'order', total: 80 },
  { family: 'label Total a pagar', text: '3 tacos $20 c/u\nTotal a pagar: $60', country: MX, currency: 'MXN', intent: 'order', total: 60 },
  { family: 'status en ready for pickup', text: 'Hi, your order #55 is ready for pickup', intent: 'status', status: 'processing', ref: '55' },
  { family: 'status es listo para recoger', text: 'Pedido #882 listo para recoger', intent: 'status', status: 'processing', ref: '882' },
  { family: 'status en has it left', text: 'Has my order #45 left?', intent: 'status', status: 'out_for_delivery', ref: '45' },
  { family: 'status en accepted', text: 'Order #33 accepted', intent: 'status', status: 'confirmed', ref: '33' },
  { family: 'status pt aceito', text: 'Pedido #12 aceito ✅', intent: 'status', status: 'confirmed', ref: '12' },
  { family: 'status en being baked', text: 'Your order #9 is being baked', intent: 'status', status: 'processing', ref: '9' },
  { family: 'status es enviado', text: 'Pedido 300 enviado', intent: 'status', status: 'out_for_delivery', ref: '300' },
  { family: 'status en completed', text: 'Order #77 has been fulfilled', intent: 'status', status: 'delivered', ref: '77' },
  { family: 'status pt concluída', text: 'Encomenda 41 concluída', intent: 'status', status: 'delivered', ref: '41' },
  { family: 'status pt recusado', text: 'Pedido 19 recusado', intent: 'status', status: 'cancelled', ref: '19' },
  { family: 'order es aceite is oil', text: 'Pedido: 2 kg de huevo, 1 aceite', country: MX, intent: 'order', items: [['huevo', 2], ['aceite', 1]] },
  { family: 'order en packed lunches', text: 'Order: 2 packed lunches, 1 baking powder', country: GB, intent: 'order', items: [['packed lunches', 2], ['baking powder', 1]] },
  { family: 'other pidgin never reach', text: 'My order 55 never reach o', country: NG, intent: 'other' },
  // other: enquiries, complaints, promos, future intent
  { family: 'other en send menu', text: 'Pls send me your menu', country: NG, intent: 'other' },
  { family: 'other en price list', text: 'Kindly send your price list', country: IN, intent: 'other' },
  { family: 'other es menú', text: 'Mándame el menú porfa', country: MX, intent: 'other' },
  { family: 'other pt cardápio', text: 'Me manda o cardápio por favor', country: BR, intent: 'other' },
  { family: 'other es aceptan tarjeta', text: '¿Aceptan tarjeta?', country: MX, intent: 'other' },
  { family: 'other pt aceitam', text: 'Aceitam cartão ou só pix?', country: BR, intent: 'other' },
  { family: 'other en mpesa', text: 'Can I pay with M-Pesa?', country: KE, intent: 'other' },
  { family: 'other en how much for', text: 'How much for 2 trays of eggs?', country: NG, intent: 'other' },
  { family: 'other pt quanto fica', text: 'Quanto fica 3 coxinhas?', country: BR, intent: 'other' },
  { family: 'other es tienen', text: '¿Tienen pastel de 3 leches?', country: MX, intent: 'other' },
  { family: 'other pt tem', text: 'Tem bolo de 2 kg?', country: BR, intent: 'other' },
  { family: 'other pidgin future', text: 'I go order 5 packs tomorrow', country: NG, intent: 'other' },
  { family: 'other es future', text: 'Al rato te mando el pedido', country: MX, intent: 'other' },
  { family: 'other pt-PT future', text: 'Logo mais faço a encomenda', country: PT, intent: 'other' },
  { family: 'other es número de cuenta', text: 'Hola, ¿me pasas el número de cuenta?', country: MX, intent: 'other' },
  { family: 'other en provide the bill', text: 'Please provide the bill', country: IN, intent: 'other' },
  { family: 'other es ocupo factura', text: 'Ocupo factura', country: MX, intent: 'other' },
  { family: 'other pt bota na conta', text: 'Bota na minha conta', country: BR, intent: 'other' },
  { family: 'other es fotos de', text: '¿Me puedes mandar fotos de los pasteles?', country: MX, intent: 'other' },
  { family: 'other en pictures of', text: 'Kindly send pictures of the 3 designs', country: NG, intent: 'other' },
  { family: 'other en reserve a table', text: 'Can I reserve a table for 4?', country: GB, intent: 'other' },
  { family: 'other sw kujua bei', text: 'Nataka kujua bei ya 2 kg', country: KE, intent: 'other' },
  { family: 'order es menú del día', text: 'Ponme 2 menús del día', country: ES, intent: 'order', items: [['menús del día', 2]] },
  { family: 'other pt como faço pra pedir', text: 'Como faço pra pedir 2 bolos?', country: BR, intent: 'other' },
  { family: 'other es se puede pedir', text: '¿Se puede pedir 2 tartas para el domingo?', country: ES, intent: 'other' },
  { family: 'order after weekday question', text: 'Do you deliver on Sundays? Need 2 trays of small chops', country: NG, intent: 'order', items: [['small chops', 2]] },
  { family: 'other es ya te deposité', text: 'Ya te deposité los $350', country: MX, intent: 'other' },
  { family: 'other pt já fiz o pix', text: 'Já fiz o pix de R$ 80', country: BR, intent: 'other' },
  { family: 'other en feedback', text: 'Cheers mate, the 4 pasties were lovely', country: GB, intent: 'other' },
  { family: 'other pt feedback', text: 'Valeu, chegou tudo certinho, as 2 pizzas estavam ótimas', country: BR, intent: 'other' },
  { family: 'other es feedback', text: 'Gracias joven, todo llegó bien, los 3 tacos riquísimos', country: MX, intent: 'other' },
  { family: 'other pidgin I ordered', text: 'Abeg how far with the 3 cakes I ordered?', country: NG, intent: 'other' },
  { family: 'order despite feedback', text: 'The 4 pasties were lovely, please send 4 more pasties', country: GB, intent: 'order' },
  { family: 'other pt comprovante', text: 'Mandei o comprovante de R$ 80', country: BR, intent: 'other' },
  { family: 'other es transferencia', text: 'Ahí te mandé la transferencia de $350', country: MX, intent: 'other' },
  { family: 'other en account details', text: 'Send your account details so I can pay for the 2 trays', country: NG, intent: 'other' },
  { family: 'other pt queria passar', text: 'Moço, vocês abrem domingo? Queria passar lá às 10', country: BR, intent: 'other' },
  { family: 'other promo', text: 'PROMO: 2 pizzas por $199 solo hoy', country: MX, intent: 'other' },

  { family: 'other en delivery fee', text: "What's the delivery fee to Ikeja?", country: NG, intent: 'other' },
  { family: 'other en do you deliver', text: 'Do you deliver to Westlands? I need 2 cakes', country: KE, intent: 'order' },
  { family: 'other es hacen envíos', text: '¿Hacen envíos a Coyoacán?', country: MX, intent: 'other' },
  { family: 'other pt vocês entregam', text: 'Vocês entregam em Pinheiros?', country: BR, intent: 'other' },
  { family: 'other pt qual o valor', text: 'Qual o valor da torta de limão?', country: BR, intent: 'other' },
  { family: 'other es future', text: 'Mañana te hago el pedido de 3 pasteles', country: MX, intent: 'other' },
  { family: 'other pt future', text: 'Amanhã faço o pedido de 2 bolos', country: BR, intent: 'other' },
  { family: 'other en future', text: "I'll place my order for 3 cakes tomorrow", country: NG, intent: 'other' },
  { family: 'other es complaint', text: 'Los 2 tacos llegaron fríos', country: MX, intent: 'other' },
  { family: 'other pt complaint', text: 'Veio faltando 1 refrigerante no meu pedido', country: BR, intent: 'other' },
  { family: 'other en thanks', text: 'Thanks, got the 3 cakes, they were lovely', country: GB, intent: 'other' },
];

const fold = (s: unknown) => String(s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

export function check(row: Row, r: ParseResult): string[] {
  const bad: string[] = [];
  if (r.intent !== row.intent) bad.push(`intent ${r.intent}`);
  if (row.items) {
    const got = r.items.map((i) => `${fold(i.name)}×${i.quantity}`).join(', ');
    const want = row.items.map(([n, q]) => `${fold(n)}×${q}`).join(', ');
    if (got !== want) bad.push(`items [${got}] != [${want}]`);
  }
  if (row.status !== undefined && r.status !== row.status) bad.push(`status ${r.status}`);
  if (row.ref !== undefined && r.orderRef !== row.ref) bad.push(`ref ${r.orderRef}`);
  if (row.name !== undefined && fold(r.customer.name) !== fold(row.name)) bad.push(`name ${r.customer.name}`);
  if (row.phone !== undefined && r.customer.phone !== row.phone) bad.push(`phone ${r.customer.phone}`);
  if (row.address !== undefined && fold(r.address) !== fold(row.address)) bad.push(`address ${r.address}`);
  if (row.notes !== undefined && fold(r.notes) !== fold(row.notes)) bad.push(`notes ${r.notes}`);
  if (row.total !== undefined && r.total !== row.total) bad.push(`total ${r.total}`);
  return bad;
}

const probe = process.env['VOCAB_PROBE'] === '1';
for (const row of ROWS) {
  if (probe) {
    const r = parseMessage({ id: row.family, text: row.text, business: { country: row.country ?? 'NG', currency: row.currency ?? 'NGN', catalog: [] } });
    const bad = check(row, r);
    if (bad.length) console.log(`FAIL ${row.family}: ${bad.join(' | ')}`);
    continue;
  }
  t.test(row.family, async (tt) => {
    const r = parseMessage({ id: row.family, text: row.text, business: { country: row.country ?? 'NG', currency: row.currency ?? 'NGN', catalog: [] } });
    tt.same(check(row, r), [], row.text);
  });
}
