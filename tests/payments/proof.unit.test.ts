// Payment-proof messages in en/es/pt are recognised with their reference and method; orders,
// questions and chatter are not.
import t from 'tap';
import { matchPaymentProof } from '../../src/payments/proof.ts';

t.test('proofs, with reference and method when given', async (t) => {
  t.match(matchPaymentProof('sent the money, ref TRX-88231'), { language: 'en', reference: 'TRX-88231' });
  t.match(matchPaymentProof('I have paid via mpesa QX12AB34CD'), { language: 'en', reference: 'QX12AB34CD', method: 'mobile_money' });
  t.match(matchPaymentProof('paid via mpesa QX12AB34CD'), { reference: 'QX12AB34CD', method: 'mobile_money' });
  t.match(matchPaymentProof('Hi, just transferred the money. Reference: 4451209'), { language: 'en', reference: '4451209', method: 'transfer' });
  t.match(matchPaymentProof('Payment done ✅'), { language: 'en', reference: null });
  t.match(matchPaymentProof('te envío el comprobante'), { language: 'es', reference: null });
  t.match(matchPaymentProof('Ya te pagué por transferencia, referencia 99812'), { language: 'es', reference: '99812', method: 'transfer' });
  t.match(matchPaymentProof('transferi agora'), { reference: null, method: 'transfer' });
  t.match(matchPaymentProof('Segue o comprovante do pix'), { language: 'pt', method: 'transfer' });
  t.match(matchPaymentProof('já paguei, código E1234567890'), { language: 'pt', reference: 'E1234567890' });
  t.match(matchPaymentProof('Here is the receipt'), { language: 'en' });
});

t.test('not proofs', async (t) => {
  for (const text of [
    '2x jollof rice, deliver to 12 Allen Avenue',
    'Name: Ada\n2x rice\nI will pay on delivery',
    'did you get my payment?',
    'can I pay by transfer?',
    'how much is the delivery?',
    'hello',
    '',
    'sent the money '.repeat(50),
    '#1001 delivered',
    'cancel my order',
  ]) {
    t.equal(matchPaymentProof(text), null, JSON.stringify(text.slice(0, 40)));
  }
});

t.test('a reference is bounded', async (t) => {
  const r = matchPaymentProof(`sent the money ref ${'A1'.repeat(80)}`);
  t.ok(r && r.reference !== null && r.reference.length <= 100);
});
