/** Shared set-up for runtime tests: a runtime over an instrumented simulated adapter. */
import * as assert from 'uvu/assert';
import {
  createSimulatedAdapter,
  type SimulatedAdapterOptions,
} from '../../../src/hardware/adapters/simulated/index.ts';
import {
  createHardwareRuntime,
  type HardwareErrorKind,
  type HardwareRuntimeOptions,
  isHardwareError,
} from '../../../src/hardware/index.ts';
import { instrument } from './instrumented-adapter.ts';

export async function startRuntime(
  simulated: SimulatedAdapterOptions = {},
  runtime: Omit<HardwareRuntimeOptions, 'adapters'> = {},
) {
  const sim = createSimulatedAdapter(simulated);
  const probe = instrument(sim);
  const hw = createHardwareRuntime({ ...runtime, adapters: [probe.adapter] });
  await hw.start();
  return { sim, probe, hw };
}

export const ref = (deviceId: string) => ({ adapter: 'simulated', deviceId });

/** Awaits `work` and asserts it rejects with a HardwareError of `kind`; returns the error. */
export async function rejectsKind(work: Promise<unknown>, kind: HardwareErrorKind, what = 'operation') {
  try {
    await work;
  } catch (error) {
    assert.ok(isHardwareError(error), `${what}: not a HardwareError: ${String(error)}`);
    assert.is(error.kind, kind, `${what}: ${error.message}`);
    return error;
  }
  assert.unreachable(`${what}: expected ${kind}, it resolved`);
  throw new Error('unreachable');
}
