// No accepted message lost under concurrency: many clients posting at once into one shop and into
// several (tests/whatsapp/concurrent.ts). The fault suite runs it larger (tests/faults/intake.test.ts).
import t from 'tap';
import { concurrentIntake } from './concurrent.ts';

t.test('one shop, 50 requests in flight: every accepted message is one MessageReceived and one order', (t) =>
  concurrentIntake(t, { shops: 1, messages: Number(process.env.INTAKE_MESSAGES ?? 1500), inFlight: 50 }));

t.test('three shops side by side, 30 requests in flight', (t) =>
  concurrentIntake(t, { shops: 3, messages: Number(process.env.INTAKE_MESSAGES_PER_SHOP ?? 400), inFlight: 30 }));
