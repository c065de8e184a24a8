import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../helpers/postgres.ts';
import { ROOT, type RunningProcess, runTs, tempDir } from '../helpers/process.ts';

/**
 * docker-compose.yml as Docker would run it, without a Docker engine: the command line of each
 * hcs service is the Dockerfile's ENTRYPOINT plus the service's command (or the image's CMD),
 * its environment the image's ENV with the service's on top, `${VAR:?…}` and `${VAR:-…}`
 * filled in as compose fills them. Only what a test on one machine must change is changed:
 * the compose host names become 127.0.0.1, the database a fresh empty one, the ports free
 * ones, the data directory a temporary one, and Redis keys get a prefix of their own.
 */

interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(`${ROOT}/docker-compose.yml`, 'utf8')) as {
  services: Record<string, ComposeService>;
};
const image = readRuntimeStage(readFileSync(`${ROOT}/Dockerfile`, 'utf8'));
const SECRET = randomBytes(36).toString('base64url');

/** ENV, ENTRYPOINT and CMD of the Dockerfile's last stage (the image that runs). */
function readRuntimeStage(dockerfile: string) {
  const stage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).replace(/\\\n\s*/g, ' ');
  const instruction = (name: string) =>
    stage
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1).trim());
  const env = Object.fromEntries(
    instruction('ENV')
      .flatMap((line) => line.split(/\s+/))
      .map((pair) => pair.split('=', 2) as [string, string]),
  );
  const json = (name: string) => JSON.parse(instruction(name).at(-1) ?? 'null') as string[] | null;
  return { stage, env, entrypoint: json('ENTRYPOINT') ?? [], cmd: json('CMD') ?? [] };
}

/** `${NAME:?message}` and `${NAME:-default}` as compose interpolates them, from `variables`. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const set = variables[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`compose would refuse to start: ${name}: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

/** The command line and environment `docker compose up` gives a service, as it would run here. */
function asRunHere(name: string, database: TestPostgresDatabase, dataDir: string) {
  const service = compose.services[name];
  if (service === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  const argv = [...image.entrypoint, ...(service.command ?? image.cmd)];
  const env: Record<string, string> = { ...image.env };
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    env[key] = interpolate(String(value), { HCS_SECRET_KEY: SECRET });
  }
  assert.match(
    env.HCS_DATABASE_URL ?? '',
    /@postgres:5432\//,
    `${name}: the database is the postgres service`,
  );
  assert.match(env.HCS_REDIS_URL ?? '', /^redis:\/\/redis:6379$/, `${name}: Redis is the redis service`);
  Object.assign(env, {
    HCS_DATABASE_URL: database.url,
    HCS_REDIS_URL: 'redis://127.0.0.1:6379',
    HCS_REDIS_PREFIX: `hcs-compose-${randomBytes(4).toString('hex')}:`,
    HCS_HOST: '127.0.0.1',
    HCS_GRPC_PORT: '0',
    HCS_HTTP_PORT: '0',
    HCS_DATA_DIR: dataDir,
  });
  return { argv, env };
}

/** Runs `hcs …` the way the image's /usr/local/bin/hcs (dist/main.js) would, from the sources. */
function runHcs(argv: string[], env: Record<string, string>): RunningProcess {
  assert.is(argv[0], 'hcs', 'the image runs the hcs command');
  return runTs('src/main.ts', argv.slice(1), { env });
}

function output(run: RunningProcess): string {
  return `stdout:\n${run.stdout.join('\n')}\nstderr:\n${run.stderr.join('\n')}`;
}

const structure = suite('docker-compose.yml and the Dockerfile');

structure('the image runs hcs: ENTRYPOINT hcs, linked to the built entry, CMD serve', () => {
  assert.equal(image.entrypoint, ['hcs']);
  assert.equal(image.cmd, ['serve']);
  assert.match(image.stage, 'ln -s /app/dist/main.js /usr/local/bin/hcs');
});

structure('hcs starts only after a one-shot migrate service of the same image has succeeded', () => {
  const { migrate, hcs } = compose.services;
  assert.ok(migrate && hcs, 'services migrate and hcs');
  assert.equal(migrate.command, ['migrate', 'up']);
  assert.is(hcs.command, undefined, 'hcs runs the image CMD (serve)');
  assert.equal([migrate.build, migrate.image], [hcs.build, hcs.image]);
  assert.equal(migrate.environment, hcs.environment);
  assert.equal(hcs.depends_on?.migrate, { condition: 'service_completed_successfully' });
  assert.equal(migrate.depends_on?.postgres, { condition: 'service_healthy' });
});

structure.run();

if (await postgresSuitesEnabled('docker-compose.yml on PostgreSQL')) {
  const stack = suite('docker-compose.yml on a fresh PostgreSQL database');
  let database: TestPostgresDatabase;

  stack.before(async () => {
    database = await createTestPostgresDatabase();
  });

  stack.after(async () => {
    await database.drop();
  });

  stack('without the migrate service, hcs refuses to serve and names hcs migrate up', async () => {
    const { argv, env } = asRunHere('hcs', database, tempDir('hcs-data-'));
    const serve = runHcs(argv, env);
    const code = await serve.exited;
    assert.is.not(code, 0, output(serve));
    const fatal = serve.logLines().find((line) => line.level === 'fatal');
    assert.match(
      String((fatal?.err as { message?: string })?.message),
      'run "hcs migrate up"',
      output(serve),
    );
  });

  stack('migrate, then hcs: serving and ready, then stops cleanly', async () => {
    const dataDir = tempDir('hcs-data-');
    const migrate = asRunHere('migrate', database, dataDir);
    const up = runHcs(migrate.argv, migrate.env);
    assert.is(await up.exited, 0, output(up));
    assert.match(up.stdout.join('\n'), /^applied: Migration/, output(up));

    const hcs = asRunHere('hcs', database, dataDir);
    const serve = runHcs(hcs.argv, hcs.env);
    try {
      const serving = await serve.waitForLog((line) => line.msg === 'hcs is serving');
      const ready = await fetch(`http://127.0.0.1:${Number(serving.httpPort)}/readyz`);
      assert.is(ready.status, 200, await ready.text());
    } finally {
      serve.child.kill('SIGTERM');
    }
    assert.is(await serve.exited, 0, output(serve));
  });

  stack.run();
}
