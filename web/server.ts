// The `web` role: the Fastify server listening on HOST:PORT.
import type { Runtime } from '../src/runtime.ts';
import type { RoleHooks, StopRole } from '../src/roles/index.ts';
import { buildApp } from './app.ts';

export async function startWeb(rt: Runtime, hooks: RoleHooks): Promise<StopRole> {
  const app = await buildApp(rt);
  await app.listen({ port: rt.config.port, host: rt.config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : rt.config.port;
  const host = rt.config.host === '0.0.0.0' || rt.config.host === '::' ? 'localhost' : rt.config.host;
  hooks.ready({ role: 'web', url: `http://${host}:${port}` });
  return async () => {
    await app.close();
  };
}
