// The worker role: the session supervisor plus the intake and notifier reactors.
import type { Runtime } from '../runtime.ts';
import type { RoleHooks } from '../roles/index.ts';
import { startIntakeReactor } from '../reactors/intake.ts';
import { startNotifier } from '../reactors/notifier.ts';
import { startWebhooks } from '../reactors/webhooks.ts';
import { startSupervisor } from './supervisor.ts';

export async function startWorker(rt: Runtime, hooks: RoleHooks): Promise<() => Promise<void>> {
  const stopIntake = await startIntakeReactor(rt);
  const stopNotifier = await startNotifier(rt);
  const stopWebhooks = await startWebhooks(rt);
  const supervisor = await startSupervisor(rt);
  hooks.ready({ role: 'worker' });
  return async () => {
    await supervisor.stop();
    await stopWebhooks();
    await stopNotifier();
    await stopIntake();
  };
}
