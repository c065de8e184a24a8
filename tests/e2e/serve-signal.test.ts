import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTs } from '../helpers/process.ts';

/**
 * A signal that reaches `hcs serve` while it starts (a supervisor that stops it on reading
 * "hcs is serving") stops it gracefully once started: it is never the default action that kills
 * the process on the spot (exit 143) with the database and ports left as they were.
 */
test('SIGTERM during start: the app finishes starting, then closes, and the process exits 0', async () => {
  const run = runTs('tests/fixtures/signal-during-start.ts', []);
  assert.is(await run.exited, 0, `stdout:\n${run.stdout.join('\n')}\nstderr:\n${run.stderr.join('\n')}`);
  assert.equal(run.stderr.filter(Boolean), ['started', 'closed']);
});

test.run();
