/**
 * The database's floor under a device command: what SQLite alone costs for the rows one quick
 * `ExecuteCommand` leaves (its execution row and the audit entries of its QUEUED, RUNNING and
 * SUCCEEDED transitions), written as the execution journal writes them: on the tables the
 * migrations create, through the same prepared inserts (`nativeInsertOf`), in group commits of
 * `--batch` commands per transaction. No gRPC, no ORM, no device: a lower bound for any change
 * that keeps those rows. Also with 1 and 0 audit entries per command, to price each entry.
 * Reports CPU time (user + system) per command.
 *
 * Usage: npm run build && node --import tsx bench/devices-db-floor.ts [--commands 40000] [--batches 10,160]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadCompiled } from './compiled.ts';
import { pinThisProcess, SERVER_CPU } from './h2load.ts';

// From the compiled build, as production runs it (see compiled.ts).
const { AuditEntrySchema, createDatabase, createUlid, nativeInsertOf } =
  await loadCompiled<typeof import('../src/platform/db/index.ts')>('platform/db/index.js');
const { ExecutionSchema } = await loadCompiled<
  typeof import('../src/services/devices/command-execution.entity.ts')
>('services/devices/command-execution.entity.js');
const { ENTITIES } = await loadCompiled<typeof import('../src/services/index.ts')>('services/index.js');

const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '40000' },
    batches: { type: 'string', default: '10,160' },
  },
});
const commands = Math.min(1_000_000, Number(values.commands));
const batches = values.batches.split(',').map(Number);

pinThisProcess(SERVER_CPU);

interface NativeDatabase {
  prepare(sql: string): { run(): unknown };
}

/** CPU µs per command for `commands` commands of `audits` audit entries each, `batch` per transaction. */
async function run(batch: number, audits: number): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
  const database = await createDatabase({
    config: { databaseUrl: undefined, dataDir: work },
    logger: pino({ level: 'silent' }),
    entities: ENTITIES,
  });
  await database.migrate.up();
  const em = database.em();
  const connection = em.getConnection() as unknown as { getNativeClient(): Promise<NativeDatabase> };
  const native = await connection.getNativeClient();
  const begin = native.prepare('begin');
  const commit = native.prepare('commit');
  const insertExecution = await nativeInsertOf(em, ExecutionSchema, {
    ignoreConflictOn: ['actor', 'requestId'],
  });
  const insertAudit = await nativeInsertOf(em, AuditEntrySchema);
  if (insertExecution === undefined || insertAudit === undefined) throw new Error('not SQLite');
  const states = ['queued', 'running', 'succeeded'].slice(3 - audits);

  const cpu = process.cpuUsage();
  let done = 0;
  for (; done < commands; done += batch) {
    begin.run();
    for (let i = 0; i < batch; i++) {
      const now = new Date();
      const id = createUlid();
      const device = `th-${(done + i) % 20}`;
      insertExecution({
        id,
        device,
        command: 'read_temperature',
        parameters: {},
        profileRevision: 1,
        state: 'succeeded',
        stateReason: '',
        errorCode: 0,
        errorMessage: '',
        readings: [
          {
            resource: 'temperature',
            value: { type: 'double', value: '21.5' },
            units: 'C',
            readTime: now.toISOString(),
          },
        ],
        actor: 'users/bench',
        requestId: null,
        job: '',
        node: 'bench-node',
        timeoutMs: 5000,
        createTime: now,
        startTime: now,
        endTime: now,
      });
      for (const state of states) {
        insertAudit({
          id: createUlid(),
          time: now,
          actor: 'users/bench',
          action: 'hcs.v1.DeviceService/ExecuteCommand',
          category: 'devices',
          target: `devices/${device}/commandExecutions/${id}`,
          outcome: 'success',
          statusCode: 0,
          statusMessage: '',
          clientAddress: '127.0.0.1:50000',
          requestId: '',
          userAgent: 'grpc-node-js/1.14.7',
          details: { command: 'read_temperature', state, parameters: '{}' },
        });
      }
    }
    commit.run();
  }
  const used = process.cpuUsage(cpu);
  await database.close();
  rmSync(work, { recursive: true, force: true });
  return (used.user + used.system) / done; // whole batches: `done` may pass `commands`
}

console.log(`${commands} commands per run; CPU µs per command (user + system)`);
console.log('| commands per commit | 3 audit entries | 1 audit entry | no audit entry |');
console.log('| ---: | ---: | ---: | ---: |');
for (const batch of batches) {
  const figures = [];
  for (const audits of [3, 1, 0]) figures.push((await run(batch, audits)).toFixed(1));
  console.log(`| ${batch} | ${figures.join(' | ')} |`);
}
