// The three roles of the Procfile. Each starts on a Runtime and returns its stop function.
import type { Runtime } from '../runtime.ts';

export type RoleName = 'web' | 'worker' | 'projector';
export const ROLE_NAMES: readonly RoleName[] = ['web', 'worker', 'projector'];
export type StopRole = () => Promise<void>;

export interface RoleHooks {
  /** Called once the role is serving (the web role passes its URL). */
  ready: (info: { role: RoleName; url?: string }) => void;
}

export async function startRole(role: RoleName, rt: Runtime, hooks: RoleHooks): Promise<StopRole> {
  switch (role) {
    case 'web': {
      const { startWeb } = await import('../../web/server.ts');
      return startWeb(rt, hooks);
    }
    case 'projector': {
      const { startProjector } = await import('../projector/role.ts');
      return startProjector(rt, hooks);
    }
    case 'worker': {
      const { startWorker } = await import('../whatsapp/role.ts');
      return startWorker(rt, hooks);
    }
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}
