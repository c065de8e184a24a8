import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

/**
 * `hcs serve` on SQLite, commanding its built-in simulated devices from 12 concurrent callers,
 * is killed with SIGKILL the moment it has answered 20 commands: restarted on the same data,
 * every answered execution is there in the state the caller was told, with the audit entries
 * of its three transitions.
 */
const DEVICES = [
  ['th-1', 'sim-th-1', 'sim-thermo-hygrometer', 'read_temperature'],
  ['relay-1', 'sim-relay-1', 'sim-relay-board', 'read_relays'],
  ['psu-1', 'sim-psu-1', 'sim-power-supply', 'read_status'],
] as const;
const CALLERS_PER_DEVICE = 4;
const KILL_AFTER = 20;

const dataDir = tempDir('hcs-devices-kill-');
const env = { HCS_DATA_DIR: dataDir, HCS_SECRET_KEY: 'devices-kill-test-secret-of-at-least-32-bytes' };
let server: ServerProcess | undefined;

test.after(async () => {
  await server?.stop('SIGKILL');
  removeTempDir(dataDir);
});

async function call(target: ServerProcess, token: string, method: string, path: string, body?: unknown) {
  return fetchAnswer(`${target.httpBase}/api/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The execution an ExecuteCommand answer names, and the state it says it ended in. */
function executionOf(answer: HttpAnswer): { name: string; state: string } | undefined {
  if (answer.status === 200) {
    const execution = answer.json.execution as { name: string; state: string };
    return { name: execution.name, state: execution.state };
  }
  const info = (answer.json.details as Array<{ metadata?: Record<string, string> }> | undefined)?.[0];
  const name = info?.metadata?.command_execution;
  const state = info?.metadata?.state;
  return name === undefined || state === undefined
    ? undefined
    : { name, state: `COMMAND_EXECUTION_STATE_${state}` };
}

test('every command answered before a SIGKILL is stored as answered, with its audit entries', async () => {
  server = await startServer({ env, readyTimeoutMs: 120_000 });
  const first = server;
  const token = await first.adminToken();
  for (const [id, address, profile] of DEVICES) {
    const created = await call(first, token, 'POST', 'devices', {
      deviceId: id,
      device: { adapter: 'adapters/simulated', address, profile: `deviceProfiles/${profile}` },
    });
    assert.is(created.status, 200, created.text);
  }
  const answered: Array<{ name: string; state: string }> = [];
  let kill: Promise<number> | undefined;
  const caller = async (device: string, command: string) => {
    while (kill === undefined) {
      let answer: HttpAnswer;
      try {
        answer = await call(first, token, 'POST', `devices/${device}:executeCommand`, { command });
      } catch {
        return; // the server is gone
      }
      const execution = executionOf(answer);
      if (execution === undefined) throw new Error(`unexpected answer ${answer.status} ${answer.text}`);
      answered.push(execution);
      // Killed in the same turn as the answer arrives: nothing more is written after it.
      if (answered.length >= KILL_AFTER) kill ??= first.stop('SIGKILL');
    }
  };
  await Promise.all(
    DEVICES.flatMap(([id, , , command]) =>
      Array.from({ length: CALLERS_PER_DEVICE }, () => caller(id, command)),
    ),
  );
  assert.is(await kill, 137);
  assert.ok(answered.length >= KILL_AFTER);

  server = await startServer({ env, readyTimeoutMs: 120_000 });
  const second = server;
  const token2 = await second.adminToken();
  for (const { name, state } of answered) {
    const stored = await call(second, token2, 'GET', name);
    assert.is(stored.status, 200, `${name}: ${stored.text}`);
    assert.is(stored.json.state, state, name);
    const audit = await call(
      second,
      token2,
      'GET',
      `auditEntries?target=${encodeURIComponent(name)}&pageSize=10`,
    );
    const states = ((audit.json.auditEntries ?? []) as Array<{ details: Record<string, string> }>)
      .map((entry) => entry.details.state)
      .sort();
    const ended = state.replace('COMMAND_EXECUTION_STATE_', '').toLowerCase();
    assert.equal(states, ['queued', 'running', ended].sort(), name);
  }
  await second.stop();
  server = undefined;
});

test.run();
