// Session children run from a plain-JS bundle of child.ts built once per supervisor start, not
// through tsx: tsx's loader alone doubles an idle Node process's memory, and a session process
// is the thing Novi runs hundreds of. Packages stay external (resolved from node_modules, which
// is why the bundle lives under node_modules/.cache). Falls back to the tsx entry if esbuild fails.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX_ENTRY = fileURLToPath(new URL('./child-entry.mjs', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../node_modules/.cache/novi/session-child.mjs', import.meta.url));

export function childEntry(log: (msg: string, err?: unknown) => void): string {
  try {
    buildSync({
      entryPoints: [SOURCE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: BUNDLE,
      logLevel: 'silent',
    });
    return BUNDLE;
  } catch (err) {
    log('could not bundle the session child; running it through tsx', err);
    return TSX_ENTRY;
  }
}
