// tap `after`: stops the run's embedded PostgreSQL.
import { stopOwnedServer } from '../src/db/embedded.ts';
import { TEST_DATA_DIR } from './helpers/db.ts';

await stopOwnedServer(TEST_DATA_DIR);
