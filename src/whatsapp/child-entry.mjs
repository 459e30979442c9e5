// Entry of one session child process: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
