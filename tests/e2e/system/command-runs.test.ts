import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CommandRunState,
  SystemServiceClient,
  type WatchCommandRunResponse,
} from '../../../src/gen/hcs/v1/system.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/redis.ts';
import { processGone, writeScripts } from '../../helpers/scripts.ts';

interface Run {
  name: string;
  state: string;
  stdout?: string;
  stderr?: string;
  stdoutTruncated?: boolean;
  pid: number;
  exit?: { exitCode?: number; signal?: string; timedOut?: boolean };
  requestId?: string;
  cancelledBy?: string;
  argv: string[];
}

const dir = tempDir('hcs-commands-');
const scripts = writeScripts(dir);
const allowListPath = join(dir, 'commands.yaml');
writeFileSync(
  allowListPath,
  `commands:
  echo:
    description: Prints its arguments, NUL-separated
    executable: ${scripts['echo-argv']}
    argv: ["--", "{text}", "{count}"]
    environment: { API_TOKEN: hunter2, MODE: demo }
    parameters:
      text: { type: string, pattern: "[\\\\s\\\\S]{1,200}", required: true }
      count: { type: integer, min: 1, max: 5 }
  ticker:
    executable: ${scripts.ticker}
    argv: ["{times}"]
    parameters:
      times: { type: integer, min: 1, max: 100, default: "10" }
  linger:
    executable: ${scripts['spawn-grandchild']}
    timeoutSeconds: 120
  flood:
    executable: ${scripts.flood}
    argv: ["200000"]
    maxOutputBytes: 1000
`,
);
chmodSync(allowListPath, 0o644);

let app: TestApp;
let token: string;

async function call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  return fetchAnswer(`${app.httpBase}/api/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function run(command: string, body: Record<string, unknown>): Promise<HttpAnswer> {
  return call('POST', `allowedCommands/${command}:run`, body);
}

async function ended(name: string): Promise<Run> {
  let last: Run | undefined;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    last = (await call('GET', name)).json as unknown as Run;
    if (last.state !== 'COMMAND_RUN_STATE_RUNNING') return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not end: ${JSON.stringify(last)}`);
}

const decode = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64');

test.before(async () => {
  app = await startTestApp({
    env: {
      HCS_SYSTEM_COMMANDS_FILE: allowListPath,
      // Tests may run as root; the refusal itself is tested on its decision function.
      HCS_SYSTEM_COMMANDS_ALLOW_ROOT: 'true',
      HCS_SYSTEM_MAX_CONCURRENT_RUNS: '2',
    },
  });
  token = await app.adminToken();
});

test.after(async () => {
  await app?.close();
  removeTempDir(dir);
});

test('ListAllowedCommands shows each argv template as it will run, secret-like environment values masked', async () => {
  const answer = await call('GET', 'allowedCommands');
  assert.is(answer.status, 200, answer.text);
  const commands = answer.json.allowedCommands as Record<string, unknown>[];
  assert.equal(
    commands.map((command) => command.name),
    ['allowedCommands/echo', 'allowedCommands/flood', 'allowedCommands/linger', 'allowedCommands/ticker'],
  );
  const echo = commands[0] as Record<string, unknown>;
  assert.equal(echo.argv, ['--', '{text}', '{count}']);
  assert.equal(echo.environment, { API_TOKEN: '********', MODE: 'demo' });
  assert.is(echo.defaultTimeout, '30s');
  assert.is(echo.maxOutputBytes, '65536');
  const paged = await call('GET', 'allowedCommands?pageSize=3');
  assert.is((paged.json.allowedCommands as unknown[]).length, 3);
  const rest = await call('GET', `allowedCommands?pageSize=3&pageToken=${paged.json.nextPageToken}`);
  assert.equal(
    (rest.json.allowedCommands as { name: string }[]).map((c) => c.name),
    ['allowedCommands/ticker'],
  );
});

test('injection attempts reach the script as one literal argument each, never through a shell', async () => {
  for (const text of [
    'a; rm -rf /',
    'x && touch pwned',
    '$(id)',
    '`id`',
    'two\nlines',
    '| cat /etc/passwd',
    '\'"*',
  ]) {
    const answer = await run('echo', { arguments: { text, count: '2' }, wait: true });
    assert.is(answer.status, 200, answer.text);
    const result = answer.json as unknown as Run;
    assert.is(result.state, 'COMMAND_RUN_STATE_SUCCEEDED', answer.text);
    assert.equal(decode(result.stdout).toString().split('\u0000').slice(0, -1), ['--', text, '2']);
    assert.equal(result.argv, [scripts['echo-argv'], '--', text, '2']);
  }
});

test('a leading "-", a NUL, a bad integer and an unknown argument are 400 naming the argument; nothing runs', async () => {
  const before = (await call('GET', 'commandRuns?pageSize=1000')).json.commandRuns as unknown[];
  const cases: [Record<string, string>, string][] = [
    [{ text: '-rf' }, 'arguments[text]'],
    [{ text: '--help' }, 'arguments[text]'],
    [{ text: 'ok', count: '9' }, 'arguments[count]'],
    [{ text: 'ok', count: 'two' }, 'arguments[count]'],
    [{ text: 'ok', shell: 'sh' }, 'arguments["shell"]'],
    [{ text: 'a\u0000b' }, 'arguments'],
  ];
  for (const [args, field] of cases) {
    const answer = await run('echo', { arguments: args, wait: true });
    assert.is(answer.status, 400, `${JSON.stringify(args)}: ${answer.text}`);
    const violations = (answer.json.details as { fieldViolations?: { field: string }[] }[]).flatMap(
      (detail) => detail.fieldViolations ?? [],
    );
    assert.is(violations[0]?.field, field, answer.text);
  }
  const after = (await call('GET', 'commandRuns?pageSize=1000')).json.commandRuns as unknown[];
  assert.is(after.length, before.length);
});

test('a command not on the allow-list is 403 and its refusal is audited with the arguments and request id', async () => {
  const answer = await fetchAnswer(`${app.httpBase}/api/v1/allowedCommands/rm:run`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-request-id': 'refused-1',
    },
    body: JSON.stringify({ arguments: { path: '/' } }),
  });
  assert.is(answer.status, 403, answer.text);
  assert.match(answer.text, 'COMMAND_NOT_ALLOWED');
  const audit = await call(
    'GET',
    'auditEntries?action=hcs.v1.SystemService.RunCommand&outcome=AUDIT_OUTCOME_DENIED',
  );
  const entry = (audit.json.auditEntries as Record<string, unknown>[]).find(
    (e) => e.requestId === 'refused-1',
  );
  assert.ok(entry, audit.text);
  assert.is(entry.target, 'allowedCommands/rm');
  assert.is(entry.actor, 'users/admin');
  assert.equal((entry.details as Record<string, string>).arguments, '{"path":"/"}');
  assert.is((entry.details as Record<string, string>).reason, 'COMMAND_NOT_ALLOWED');
});

test('output beyond max_output_bytes is cut and flagged', async () => {
  const answer = await run('flood', { wait: true });
  const result = answer.json as unknown as Run;
  assert.is(result.state, 'COMMAND_RUN_STATE_SUCCEEDED', answer.text);
  assert.is(decode(result.stdout).toString(), 'x'.repeat(1000));
  assert.ok(result.stdoutTruncated);
});

test('a timeout kills the run and its grandchild: TIMED_OUT, and the grandchild pid is gone', async () => {
  const answer = await run('linger', { timeout: '0.5s', wait: true });
  const result = answer.json as unknown as Run;
  assert.is(result.state, 'COMMAND_RUN_STATE_TIMED_OUT', answer.text);
  assert.ok(result.exit?.timedOut);
  const grandchild = Number(decode(result.stdout).toString().trim());
  assert.ok(grandchild > 0, answer.text);
  await waitFor(() => processGone(grandchild), 30_000, `grandchild ${grandchild} to end`);
});

test('a run survives its client going away; the same request_id then returns that run, not a new one', async () => {
  const client = new SystemServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const error = await new Promise<ServiceError | null>((resolve) =>
    client.runCommand(
      {
        name: 'allowedCommands/ticker',
        arguments: { times: '8' },
        timeout: undefined,
        requestId: 'upgrade-42',
        wait: true,
      },
      metadata,
      { deadline: Date.now() + 300 },
      (err) => resolve(err),
    ),
  );
  client.close();
  assert.ok(error, 'the call gave up before the run ended');
  const again = await run('ticker', { arguments: { times: '8' }, requestId: 'upgrade-42' });
  assert.is(again.status, 200, again.text);
  const name = (again.json as unknown as Run).name;
  const result = await ended(name);
  assert.is(result.state, 'COMMAND_RUN_STATE_FAILED', 'ticker exits 3');
  assert.is(result.exit?.exitCode, 3);
  assert.is(decode(result.stdout).toString().split('\n').length - 1, 8, 'all eight ticks: it was not killed');
  const runs = (await call('GET', 'commandRuns?pageSize=1000')).json.commandRuns as Run[];
  assert.is(runs.filter((r) => r.requestId === 'upgrade-42').length, 1, 'one run for the request id');
});

test('concurrent starts with one request_id start one run and all return it', async () => {
  const answers = await Promise.all(
    Array.from({ length: 2 }, () => run('ticker', { arguments: { times: '1' }, requestId: 'same-start' })),
  );
  const names = answers.map((answer) => (answer.json as unknown as Run).name);
  for (const answer of answers) assert.is(answer.status, 200, answer.text);
  assert.is(names[0], names[1]);
  await ended(names[0] as string);
});

test('cancel stops a run and its grandchild: CANCELLED by the caller; a second cancel is 400', async () => {
  const started = (await run('linger', {})).json as unknown as Run;
  let stdout = '';
  for (let tries = 0; tries < 600 && !stdout.includes('\n'); tries++) {
    stdout = decode(((await call('GET', started.name)).json as unknown as Run).stdout).toString();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const grandchild = Number(stdout.trim());
  assert.ok(grandchild > 0);
  const cancelled = await call('POST', `${started.name}:cancel`, {});
  assert.is(cancelled.status, 200, cancelled.text);
  const result = await ended(started.name);
  assert.is(result.state, 'COMMAND_RUN_STATE_CANCELLED');
  assert.is(result.cancelledBy, 'users/admin');
  await waitFor(() => processGone(grandchild), 30_000, `grandchild ${grandchild} to end`);
  const again = await call('POST', `${started.name}:cancel`, {});
  assert.is(again.status, 400, again.text);
  assert.match(again.text, 'RUN_ENDED');
});

test('the concurrency cap answers 429 RESOURCE_EXHAUSTED; a slot frees when a run ends', async () => {
  const first = (await run('linger', {})).json as unknown as Run;
  const second = (await run('linger', {})).json as unknown as Run;
  const third = await run('linger', {});
  assert.is(third.status, 429, third.text);
  assert.match(third.text, 'TOO_MANY_RUNS');
  await call('POST', `${first.name}:cancel`, {});
  await ended(first.name);
  const fourth = await run('ticker', { arguments: { times: '1' }, wait: true });
  assert.is(fourth.status, 200, fourth.text);
  await call('POST', `${second.name}:cancel`, {});
  await ended(second.name);
});

test('WatchCommandRun streams the run, its output as it comes and the final run, over gRPC', async () => {
  const started = (await run('ticker', { arguments: { times: '5' } })).json as unknown as Run;
  const client = new SystemServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const events: WatchCommandRunResponse[] = [];
  await new Promise<void>((resolve, reject) => {
    const stream = client.watchCommandRun({ name: started.name }, metadata);
    stream.on('data', (event: WatchCommandRunResponse) => events.push(event));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  client.close();
  assert.is(events[0]?.run?.name, started.name);
  const output = events.flatMap((event) => (event.output ? [event.output.data.toString()] : [])).join('');
  assert.is(output, 'tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n');
  const last = events.at(-1)?.run;
  assert.is(last?.state, CommandRunState.COMMAND_RUN_STATE_FAILED);
  assert.is(last?.exit?.exitCode, 3);
});

test('WatchCommandRun over REST is NDJSON, or SSE when asked; an ended run replays its output', async () => {
  const started = (await run('ticker', { arguments: { times: '3' } })).json as unknown as Run;
  const ndjson = await fetchAnswer(`${app.httpBase}/api/v1/${started.name}:watch`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.is(ndjson.status, 200, ndjson.text);
  const lines = ndjson.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { result: { run?: Run; output?: { data: string } } });
  const text = lines.map((line) => decode(line.result.output?.data).toString()).join('');
  assert.is(text, 'tick 0\ntick 1\ntick 2\n');
  assert.is(lines.at(-1)?.result.run?.state, 'COMMAND_RUN_STATE_FAILED');
  const sse = await fetchAnswer(`${app.httpBase}/api/v1/${started.name}:watch`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  assert.match(sse.headers.get('content-type') ?? '', 'text/event-stream');
  const events = sse.text.split('\n\n').filter((event) => event.startsWith('data: '));
  const replayed = events
    .map((event) => JSON.parse(event.slice(6)) as { result: { output?: { data: string } } })
    .map((event) => decode(event.result.output?.data).toString())
    .join('');
  assert.is(replayed, 'tick 0\ntick 1\ntick 2\n');
});

test('runs are listed newest first, filtered by command and state; bad names and filters are 400', async () => {
  const answer = await call('GET', 'commandRuns?command=allowedCommands/flood');
  const runs = answer.json.commandRuns as Run[];
  assert.ok(runs.length >= 1);
  for (const r of runs) assert.is(r.stdout ?? '', '', 'lists carry no output');
  const cancelled = await call('GET', 'commandRuns?state=COMMAND_RUN_STATE_CANCELLED');
  for (const r of cancelled.json.commandRuns as Run[]) assert.is(r.state, 'COMMAND_RUN_STATE_CANCELLED');
  for (const path of ['commandRuns/nope', 'commandRuns?command=flood', 'commandRuns?state=99']) {
    const bad = await call('GET', path);
    assert.is(bad.status, 400, `${path}: ${bad.text}`);
  }
  assert.is((await call('GET', 'commandRuns/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status, 404);
});

test('an executable made group-writable after start is refused with 400 FAILED_PRECONDITION', async () => {
  chmodSync(scripts.flood, 0o775);
  try {
    const answer = await run('flood', { wait: true });
    assert.is(answer.status, 400, answer.text);
    assert.match(answer.text, 'EXECUTABLE_UNSAFE');
  } finally {
    chmodSync(scripts.flood, 0o755);
  }
});

test.run();
