// The `projector` role: every projection's live runner in this process (one active instance per
// projection across processes; the others stand by).
import type { Runtime } from '../runtime.ts';
import type { RoleHooks } from '../roles/index.ts';
import { projections as allProjections, type Projection } from '../../projections/index.ts';
import { ProjectionRunner, type RunnerOptions } from './runner.ts';
import { Waker } from '../subscriptions/wake.ts';

export interface Projector {
  runners: ProjectionRunner[];
  stop: () => Promise<void>;
}

/** Starts live runners for the given projections (all by default). Tests and benches use this directly. */
export async function startProjections(rt: Runtime, options: RunnerOptions & { only?: readonly string[] } = {}): Promise<Projector> {
  const waker = new Waker(rt.database.url);
  await waker.start();
  const chosen: Projection[] = options.only ? allProjections.filter((p) => options.only!.includes(p.name)) : [...allProjections];
  const runners = chosen.map((p) => new ProjectionRunner(rt, p, waker, options));
  for (const r of runners) r.start();
  return {
    runners,
    stop: async () => {
      await Promise.all(runners.map((r) => r.stop()));
      await waker.close();
    },
  };
}

export async function startProjector(rt: Runtime, hooks: RoleHooks): Promise<() => Promise<void>> {
  const projector = await startProjections(rt);
  rt.logger.info({ projections: projector.runners.map((r) => r.projection.name) }, 'projector started');
  hooks.ready({ role: 'projector' });
  return projector.stop;
}
