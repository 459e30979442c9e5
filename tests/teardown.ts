// tap `after`: in CI, stops the run's embedded PostgreSQL. Locally it stays up like a dev
// database, so concurrent test runs in one checkout never pull the server from under each other.
import { stopOwnedServer } from '../src/db/embedded.ts';
import { TEST_DATA_DIR } from './helpers/db.ts';

if (process.env.CI) await stopOwnedServer(TEST_DATA_DIR);
