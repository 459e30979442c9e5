// The whole product in one process for browser tests: a test database, projector, worker (with
// the simulator), the web server on a free port, and Debian's headless Chromium.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createTestRuntime } from './runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import { startWorker } from '../../src/whatsapp/role.ts';
import { buildApp } from '../../web/app.ts';

export const CHROMIUM = '/usr/bin/chromium';

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

export async function startBrowserStack(teardown: (fn: () => Promise<void>) => void) {
  const rt = await createTestRuntime();
  const projector = await startProjections(rt);
  const stopWorker = await startWorker(rt, { ready: () => undefined });
  const app = await buildApp(rt);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No background traffic: the machine has no network beyond the registries.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  teardown(async () => {
    await browser.close();
    await app.close();
    await stopWorker();
    await projector.stop();
    await rt.close();
  });
  return { rt, app, base, browser };
}
