// The hostile-message run at fault-suite size: FAULTS_MESSAGES (default 5000: at ~20 messages/s end to end
// in one process on 2 cores, 20k or 100k do not fit the suite's ~10 minute budget).
import t from 'tap';
import { messagesThroughPipeline } from '../hostile/pipeline.ts';

t.test('hostile messages through the whole pipeline', (t) => messagesThroughPipeline(t, Number(process.env.FAULTS_MESSAGES ?? 5000)));
