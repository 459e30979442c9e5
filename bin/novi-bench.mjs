#!/usr/bin/env node
// `npm run bench [-- name…]`: runs the benchmarks through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
