// Fault-suite size of the concurrent-intake run (tests/whatsapp/concurrent.ts): the issue-16
// reproduction (2,500 messages into one shop, 50 requests in flight) and four shops at once.
import t from 'tap';
import { concurrentIntake } from '../whatsapp/concurrent.ts';

t.test('2,500 messages into one shop, 50 in flight: exactly 2,500 orders', (t) => concurrentIntake(t, { shops: 1, messages: 2500, inFlight: 50 }));
t.test('four shops, 1,000 messages each, 60 in flight', (t) => concurrentIntake(t, { shops: 4, messages: 1000, inFlight: 60 }));
