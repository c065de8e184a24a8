import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type RegistryEndpoint, roundRobinClients } from '../../../src/client/index.ts';

const endpoint = (grpcTarget: string | undefined) =>
  ({
    name: String(grpcTarget),
    instanceId: String(grpcTarget),
    grpcTarget,
    httpBaseUrl: undefined,
  }) as RegistryEndpoint;

test('one client per instance, reused in turn, and closed once its instance left', () => {
  let list = [endpoint('h:1'), endpoint(undefined), endpoint('h:2')];
  const made: { target: string; closed: boolean; close(): void }[] = [];
  const pool = roundRobinClients(() => list, {
    create: (target) => {
      const client = {
        target,
        closed: false,
        close() {
          this.closed = true;
        },
      };
      made.push(client);
      return client;
    },
  });
  const picked = [pool.next(), pool.next(), pool.next(), pool.next()].map((c) => c?.target);
  assert.equal(picked, ['h:1', 'h:2', 'h:1', 'h:2']);
  assert.is(made.length, 2, 'a client per target, not per call');
  list = [endpoint('h:2')];
  assert.is(pool.next()?.target, 'h:2');
  assert.equal(
    made.map((c) => [c.target, c.closed]),
    [
      ['h:1', true],
      ['h:2', false],
    ],
  );
  list = [];
  assert.is(pool.next(), undefined);
  pool.close();
  assert.ok(made.every((c) => c.closed));
});

test.run();
