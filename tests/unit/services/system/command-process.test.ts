import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnCommand } from '../../../../src/services/system/command-process.ts';
import { removeTempDir, tempDir } from '../../../helpers/process.ts';
import { waitFor } from '../../../helpers/redis.ts';
import { processGone, writeScripts } from '../../../helpers/scripts.ts';

const dir = tempDir('hcs-scripts-');
const scripts = writeScripts(dir);
const base = { cwd: dir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 60_000, maxOutputBytes: 65_536 };

test.after(() => removeTempDir(dir));

test('shell metacharacters reach the executable as literal arguments, one each', async () => {
  const hostile = [
    'a; rm -rf /',
    'x && touch /tmp/pwned',
    '$(id)',
    '`id`',
    'two\nlines',
    '\' "',
    '*',
    '| cat',
  ];
  const run = await spawnCommand({ ...base, executable: scripts['echo-argv'], args: hostile });
  const outcome = await run.done;
  assert.is(outcome.exitCode, 0);
  const argv = run.output().stdout.toString('utf8').split('\u0000').slice(0, -1);
  assert.equal(argv, hostile);
});

test('a timeout kills the whole process group: the child and its grandchild are gone', async () => {
  const run = await spawnCommand({
    ...base,
    executable: scripts['spawn-grandchild'],
    args: [],
    timeoutMs: 300,
  });
  await waitFor(() => run.output().stdout.includes('\n'), 30_000, 'the grandchild pid');
  const grandchild = Number(run.output().stdout.toString().trim());
  assert.ok(grandchild > 0 && !processGone(grandchild), 'the grandchild ran');
  const outcome = await run.done;
  assert.ok(outcome.timedOut);
  assert.is(outcome.signal, 'SIGTERM');
  await waitFor(() => processGone(grandchild), 30_000, `grandchild ${grandchild} to end`);
  assert.ok(processGone(run.pid));
});

test('cancel ends the group with SIGTERM and says cancelled, not timed out', async () => {
  const run = await spawnCommand({ ...base, executable: scripts['spawn-grandchild'], args: [] });
  await waitFor(() => run.output().stdout.includes('\n'), 30_000, 'the grandchild pid');
  const grandchild = Number(run.output().stdout.toString().trim());
  run.cancel();
  const outcome = await run.done;
  assert.ok(outcome.cancelled);
  assert.not.ok(outcome.timedOut);
  await waitFor(() => processGone(grandchild), 30_000, `grandchild ${grandchild} to end`);
});

test('output beyond the cap is dropped and flagged per stream; the process still runs to its end', async () => {
  const run = await spawnCommand({
    ...base,
    executable: scripts.flood,
    args: ['300000'],
    maxOutputBytes: 1000,
  });
  const outcome = await run.done;
  assert.is(outcome.exitCode, 0, 'the process was not blocked on a full pipe');
  const output = run.output();
  assert.is(output.stdout.length, 1000);
  assert.is(output.stderr.length, 1000);
  assert.ok(output.stdoutTruncated && output.stderrTruncated);
  assert.is(output.stdout.toString(), 'x'.repeat(1000));
  const streamed = output.chunks.reduce((sum, chunk) => sum + chunk.data.length, 0);
  assert.is(streamed, 2000, 'the chunks hold exactly the kept bytes');
});

test('output under the cap is kept whole and not flagged; the exit code is reported', async () => {
  const run = await spawnCommand({ ...base, executable: scripts.ticker, args: ['3'] });
  const outcome = await run.done;
  assert.is(outcome.exitCode, 3);
  assert.is(outcome.signal, null);
  assert.is(run.output().stdout.toString(), 'tick 0\ntick 1\ntick 2\n');
  assert.not.ok(run.output().stdoutTruncated);
});

test('the environment is exactly the one given: nothing of the server leaks in', async () => {
  process.env.HCS_TEST_LEAK = 'secret';
  const run = await spawnCommand({
    ...base,
    executable: scripts.env,
    args: [],
    env: { PATH: '/bin', ONLY: 'me' },
  });
  await run.done;
  delete process.env.HCS_TEST_LEAK;
  const names = run
    .output()
    .stdout.toString()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('=')[0]);
  assert.not.ok(names.includes('HCS_TEST_LEAK'));
  assert.ok(names.includes('ONLY'));
});

test('an executable that does not exist rejects with ENOENT', async () => {
  try {
    await spawnCommand({ ...base, executable: `${dir}/missing`, args: [] });
    assert.unreachable('spawned');
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

test.run();
