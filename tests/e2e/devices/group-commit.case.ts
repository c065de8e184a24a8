import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandExecution } from '../../../src/gen/hcs/v1/devices.ts';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { type DeviceBench, startDeviceBench } from './device-fixtures.ts';

/** What a dialect's test file provides: the server environment and how to remove it afterwards. */
export type GroupCommitTarget = () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>;

/**
 * Executions of concurrent commands are written together (one transaction for many calls):
 * each call is still answered only once its own row and audit entries are stored, and a
 * request id still names one execution when its copies share a transaction.
 */
const DEVICES = 6;
const PER_DEVICE = 8;

interface AuditJson {
  details: Record<string, string>;
}

async function registerSensors(bench: DeviceBench): Promise<void> {
  for (let i = 0; i < DEVICES; i += 1) {
    const answer = await bench.rest('POST', 'devices', {
      deviceId: `th-${i}`,
      device: {
        adapter: 'adapters/simulated',
        address: `sim-th-${i}`,
        profile: 'deviceProfiles/sim-thermo-hygrometer',
      },
    });
    assert.is(answer.status, 200, answer.text);
  }
}

async function auditStates(bench: DeviceBench, name: string): Promise<string[]> {
  const audit = await bench.rest('GET', `auditEntries?target=${encodeURIComponent(name)}&pageSize=10`);
  return ((audit.json.auditEntries ?? []) as AuditJson[]).map((entry) => entry.details.state ?? '').sort();
}

export function runGroupCommitCases(label: string, env: GroupCommitTarget): void {
  const test = suite(`group commit of command executions on ${label}`);
  let bench: DeviceBench;
  let drop: (() => Promise<void>) | undefined;

  test.before(async () => {
    const opened = await env();
    drop = opened.drop;
    const sim = createSimulatedAdapter({
      seed: 11,
      devices: Array.from({ length: DEVICES }, (_, i) => ({
        id: `sim-th-${i}`,
        model: 'thermo-hygrometer' as const,
      })),
    });
    bench = await startDeviceBench({ sim, env: opened.env });
    await registerSensors(bench);
  });

  test.after(async () => {
    await bench?.close();
    await drop?.();
  });

  test('a burst of concurrent commands: every answered one is stored in its final state with all its audit entries', async () => {
    const calls = Array.from({ length: DEVICES * PER_DEVICE }, (_, n) =>
      bench.rest('POST', `devices/th-${n % DEVICES}:executeCommand`, { command: 'read_temperature' }),
    );
    const answers = await Promise.all(calls);
    const names: string[] = [];
    for (const answer of answers) {
      // A simulated dropout is a FAILED execution, answered FAILED_PRECONDITION with its name.
      const name =
        answer.status === 200
          ? String(answer.json.commandExecution)
          : String(
              (answer.json.details as Array<{ metadata?: Record<string, string> }> | undefined)?.[0]?.metadata
                ?.command_execution,
            );
      assert.match(name, /^devices\/th-\d\/commandExecutions\/[0-9A-Z]{26}$/, answer.text);
      names.push(name);
    }
    assert.is(new Set(names).size, names.length, 'each call has its own execution');
    for (const [i, name] of names.entries()) {
      // Read at once: nothing answered may still be on its way to the database.
      const stored = await bench.rest('GET', name);
      const state = stored.json.state as string;
      assert.is(
        state,
        answers[i]?.status === 200 ? 'COMMAND_EXECUTION_STATE_SUCCEEDED' : 'COMMAND_EXECUTION_STATE_FAILED',
      );
      const ended = state === 'COMMAND_EXECUTION_STATE_SUCCEEDED' ? 'succeeded' : 'failed';
      assert.equal(await auditStates(bench, name), ['queued', 'running', ended].sort());
    }
    const listed = await bench.rest('GET', `devices/-/commandExecutions?pageSize=${DEVICES * PER_DEVICE}`);
    const all = (listed.json.commandExecutions ?? []) as CommandExecution[];
    assert.ok(
      names.every((name) => all.some((execution) => execution.name === name)),
      'every execution is listed',
    );
  });

  test('copies of one request id sent at once share one execution, which ran once', async () => {
    const before = (await bench.rest('GET', 'devices/th-0/commandExecutions?pageSize=1000')).json
      .commandExecutions as CommandExecution[];
    const body = { command: 'read_humidity', requestId: `same-${label}` };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => bench.rest('POST', 'devices/th-0:executeCommand', body)),
    );
    const names = new Set(
      answers.map((answer) =>
        answer.status === 200
          ? String(answer.json.commandExecution)
          : String(
              (answer.json.details as Array<{ metadata?: Record<string, string> }> | undefined)?.[0]?.metadata
                ?.command_execution,
            ),
      ),
    );
    assert.is(names.size, 1, [...names].join(', '));
    const after = (await bench.rest('GET', 'devices/th-0/commandExecutions?pageSize=1000')).json
      .commandExecutions as CommandExecution[];
    assert.is(after.length, before.length + 1);
    const [name] = [...names];
    assert.is((await auditStates(bench, name ?? '')).length, 3, 'one QUEUED, RUNNING and end, audited once');
  });

  test.run();
}
