// tap `before`: starts the run's embedded PostgreSQL once and builds the migrated template.
import { ensureTemplate } from './helpers/db.ts';

await ensureTemplate();
