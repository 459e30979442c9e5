// Random and adversarial message texts through the whole pipeline (tests/hostile/pipeline.ts):
// no crash, no stuck projection, every message accounted for. FAULTS_MESSAGES sets the count.
import t from 'tap';
import { messagesThroughPipeline } from './pipeline.ts';

t.test('hostile messages through the whole pipeline', (t) => messagesThroughPipeline(t, Number(process.env.FAULTS_MESSAGES ?? 2000)));
