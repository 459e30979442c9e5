// The whole write side running in-process on a fresh database, as the pipeline tests use it:
// projector, intake reactor (parser in-thread) and notifier, stopped at the test's teardown.
import type { Test } from 'tap';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startNotifier } from '../../src/reactors/notifier.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { projections } from '../../projections/index.ts';

export async function runningPipeline(t: Pick<Test, 'teardown'>) {
  const rt = await createTestRuntime();
  const projector = await startProjections(rt, { pollMs: 200, standbyMs: 200 });
  const stopIntake = await startIntakeReactor(rt, { pollMs: 200, standbyMs: 200, parserThreads: 0 });
  const stopNotifier = await startNotifier(rt);
  t.teardown(async () => {
    await stopNotifier();
    await stopIntake();
    await projector.stop();
    await rt.close();
  });
  const ALL = [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)];
  /** The intake first (it appends what the projections then read), then every subscriber. */
  const settle = async () => {
    await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
    await waitForCatchUp(rt, ALL);
  };
  return { rt, ALL, settle };
}
