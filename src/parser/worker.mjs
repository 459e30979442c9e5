// Fallback piscina worker entry, used when the pre-bundled parser cannot be built (see pool.ts).
// Worker threads do not inherit the tsx loader registered by bin/novi.mjs, so this registers it first.
import { register } from 'tsx/esm/api';

register();
const { default: handle } = await import('./worker-entry.ts');

export default handle;
