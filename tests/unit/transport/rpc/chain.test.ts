import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code, codeToName } from '../../../../src/platform/errors/index.ts';
import {
  applyInterceptors,
  type CallContext,
  createCallContext,
  createChain,
  type Interceptor,
  type Invoke,
  type Principal,
  type ProcedureInfo,
} from '../../../../src/transport/rpc/index.ts';
import { authInterceptor } from '../../../../src/transport/rpc/interceptors/index.ts';
import { captureLogs } from '../../../helpers/log.ts';

const info: ProcedureInfo = {
  service: 'hcs.v1.TestService',
  method: 'Do',
  path: '/hcs.v1.TestService/Do',
  kind: 'unary',
  policy: { public: false, roles: ['admin'], scopes: [] },
  inputType: 'hcs.v1.DoRequest',
  outputType: 'hcs.v1.DoResponse',
};

function setup(
  options: {
    headers?: Record<string, string>;
    authenticate?: (token: string) => Principal;
    /** Answer without a promise, as the auth service does for a cached access token. */
    synchronous?: boolean;
    deadline?: number;
  } = {},
) {
  const { logger, lines } = captureLogs();
  const controller = new AbortController();
  const headers = options.headers ?? {};
  const ctx = createCallContext({
    procedure: info,
    transport: 'grpc',
    peer: () => 'ipv4:127.0.0.1:1',
    requestHeaders: { get: (name) => headers[name] },
    signal: () => controller.signal,
    deadline: options.deadline,
    logger,
  });
  const authenticate = options.authenticate;
  const chain = createChain({
    logger,
    authenticate: authenticate
      ? options.synchronous
        ? (credentials) => {
            if (credentials.kind !== 'access_token') throw new Error('unexpected');
            return authenticate(credentials.token);
          }
        : async (credentials) => {
            if (credentials.kind !== 'access_token') throw new Error('unexpected');
            return authenticate(credentials.token);
          }
      : undefined,
  });
  return { ctx, chain, lines, controller };
}

const admin: Principal = { subject: 'ada', roles: ['admin'], scopes: ['*'], credential: 'access_token' };

test('interceptors run in the order listed, outermost first', async () => {
  const order: string[] = [];
  const mark =
    (name: string): Interceptor =>
    (next) =>
    async (input, ctx) => {
      order.push(`>${name}`);
      const out = await next(input, ctx);
      order.push(`<${name}`);
      return out;
    };
  const invoke = applyInterceptors(async () => order.push('call'), [mark('a'), mark('b')]);
  await invoke({}, setup().ctx);
  assert.equal(order, ['>a', '>b', 'call', '<b', '<a']);
});

test('the request id comes from x-request-id when it is plain', async () => {
  const { ctx, chain } = setup({
    headers: { 'x-request-id': 'abc-123', authorization: 'Bearer t' },
    authenticate: () => admin,
  });
  let seen = '';
  await applyInterceptors(async (_input, c) => {
    seen = c.requestId;
    return {};
  }, chain)({}, ctx);
  assert.is(seen, 'abc-123');
});

test('a request id with unsafe characters is replaced by a generated one', async () => {
  const { ctx, chain } = setup({
    headers: { 'x-request-id': 'evil\nline', authorization: 'Bearer t' },
    authenticate: () => admin,
  });
  await applyInterceptors(async () => ({}), chain)({}, ctx);
  assert.match(ctx.requestId, /^[0-9a-f]{12}-[0-9a-z]+$/);
});

test('an unknown error leaves the chain as INTERNAL with a generic message, logged with its stack and request id', async () => {
  const { ctx, chain, lines } = setup({ headers: { authorization: 'Bearer t' }, authenticate: () => admin });
  const failing: Invoke = async () => {
    throw new Error('database password is hunter2');
  };
  try {
    await applyInterceptors(failing, chain)({}, ctx);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, AppError);
    assert.is((error as AppError).code, Code.INTERNAL);
    assert.is((error as AppError).message, 'internal error');
  }
  await new Promise((resolve) => setImmediate(resolve));
  const logged = lines.find((line) => line.msg === 'call failed: internal error');
  assert.ok(logged, JSON.stringify(lines));
  assert.is(logged.requestId, ctx.requestId);
  assert.match(JSON.stringify(logged.err), 'hunter2');
});

test('a protected method without credentials is UNAUTHENTICATED once authentication is configured', async () => {
  const { ctx, chain } = setup({ authenticate: () => admin });
  try {
    await applyInterceptors(async () => ({}), chain)({}, ctx);
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.UNAUTHENTICATED);
  }
});

test('a caller without the role is PERMISSION_DENIED, and the procedure never runs', async () => {
  let ran = false;
  const { ctx, chain } = setup({
    headers: { authorization: 'Bearer t' },
    authenticate: () => ({ ...admin, roles: ['viewer'] }),
  });
  try {
    await applyInterceptors(async () => {
      ran = true;
      return {};
    }, chain)({}, ctx);
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.PERMISSION_DENIED);
    assert.match((error as AppError).message, 'admin');
  }
  assert.is(ran, false);
});

for (const synchronous of [true, false]) {
  test(`an authenticator answering ${synchronous ? 'synchronously' : 'with a promise'}: admitted, refused and failing calls`, async () => {
    const outcome = async (authenticate: (token: string) => Principal) => {
      const { ctx, chain } = setup({ headers: { authorization: 'Bearer t' }, authenticate, synchronous });
      return applyInterceptors(async (_i, c: CallContext) => c.principal.subject, chain)({}, ctx).then(
        (subject) => `ok ${String(subject)}`,
        (error: unknown) => codeToName((error as AppError).code),
      );
    };
    assert.is(await outcome(() => admin), 'ok ada');
    assert.is(await outcome(() => ({ ...admin, roles: ['viewer'] })), 'PERMISSION_DENIED');
    assert.is(
      await outcome(() => {
        throw new AppError(Code.UNAUTHENTICATED, 'TOKEN_EXPIRED', 'expired');
      }),
      'UNAUTHENTICATED',
    );
  });
}

test('the guard alone never throws synchronously: what it or the next step throws becomes a rejection', async () => {
  const throwing = (what: string) => () => {
    throw new AppError(Code.UNAUTHENTICATED, 'UNAUTHENTICATED', what);
  };
  const cases: [string, Parameters<typeof authInterceptor>[0], Invoke][] = [
    ['authenticator', { authenticate: throwing('authenticator') }, async () => ({})],
    ['next step', { authenticate: () => admin }, throwing('next step') as unknown as Invoke],
  ];
  for (const [what, options, next] of cases) {
    const { ctx } = setup({ headers: { authorization: 'Bearer t' } });
    let pending: Promise<unknown> | undefined;
    assert.not.throws(() => {
      pending = authInterceptor(options)(next)({}, ctx);
    }, what);
    await pending?.then(
      () => assert.unreachable(what),
      (error: unknown) => assert.is((error as AppError).message, what),
    );
  }
});

test('the principal reaches the procedure through the context', async () => {
  const { ctx, chain } = setup({ headers: { authorization: 'Bearer good' }, authenticate: () => admin });
  let principal: Principal | undefined;
  await applyInterceptors(async (_i, c: CallContext) => {
    principal = c.principal;
    return {};
  }, chain)({}, ctx);
  assert.is(principal?.subject, 'ada');
});

test('a malformed authorization header is UNAUTHENTICATED', async () => {
  const { ctx, chain } = setup({ headers: { authorization: 'Basic abc' }, authenticate: () => admin });
  try {
    await applyInterceptors(async () => ({}), chain)({}, ctx);
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.UNAUTHENTICATED);
  }
});

test('a cancelled call with a deadline settles as CANCELLED without waiting for the procedure', async () => {
  const { ctx, chain, controller } = setup({
    headers: { authorization: 'Bearer t' },
    authenticate: () => admin,
    deadline: Date.now() + 10_000,
  });
  const pending = applyInterceptors(() => new Promise(() => undefined), chain)({}, ctx);
  controller.abort();
  try {
    await pending;
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.CANCELLED);
  }
});

test('a passed deadline settles as DEADLINE_EXCEEDED', async () => {
  const { ctx, chain } = setup({
    headers: { authorization: 'Bearer t' },
    authenticate: () => admin,
    deadline: Date.now() + 20,
  });
  try {
    await applyInterceptors(() => new Promise(() => undefined), chain)({}, ctx);
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.DEADLINE_EXCEEDED);
  }
});

test('an error raised while a stream is consumed is normalised too', async () => {
  const { ctx, chain } = setup({ headers: { authorization: 'Bearer t' }, authenticate: () => admin });
  async function* broken() {
    yield 1;
    throw new TypeError('boom');
  }
  const stream = (await applyInterceptors(async () => broken(), chain)({}, ctx)) as AsyncIterable<number>;
  const seen: number[] = [];
  try {
    for await (const item of stream) seen.push(item);
    assert.unreachable();
  } catch (error) {
    assert.is((error as AppError).code, Code.INTERNAL);
  }
  assert.equal(seen, [1]);
});

test('a stream its consumer stops early is closed and logged as finished once', async () => {
  const { ctx, chain, lines } = setup({ headers: { authorization: 'Bearer t' }, authenticate: () => admin });
  let closed = false;
  async function* endless() {
    try {
      for (let item = 0; ; item++) yield item;
    } finally {
      closed = true;
    }
  }
  const stream = (await applyInterceptors(async () => endless(), chain)({}, ctx)) as AsyncIterable<number>;
  const seen: number[] = [];
  for await (const item of stream) {
    seen.push(item);
    if (item === 2) break;
  }
  assert.equal(seen, [0, 1, 2]);
  assert.ok(closed, 'the procedure stream ran its finally');
  assert.is(lines.filter((line) => line.msg === 'call finished').length, 1);
});

test.run();
