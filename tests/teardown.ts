// tap `after`: stops the run's embedded PostgreSQL, so a finished `npm test` or `npm run test:faults`
// leaves no server behind. NOVI_TEST_KEEP_PG=1 keeps it up like a dev database (faster reruns, or
// two test runs in one checkout that must not pull the server from under each other).
import { stopOwnedServer } from '../src/db/embedded.ts';
import { TEST_DATA_DIR } from './helpers/db.ts';

if (process.env.NOVI_TEST_KEEP_PG !== '1') await stopOwnedServer(TEST_DATA_DIR);
