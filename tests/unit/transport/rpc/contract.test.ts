import { readFileSync } from 'node:fs';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, MethodOptionsSchema } from '@bufbuild/protobuf/wkt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVICE_MODULES } from '../../../../src/services/index.ts';
import {
  assertEveryMethodHasPolicy,
  DESCRIPTOR_SET_URL,
  loadContract,
} from '../../../../src/transport/rpc/index.ts';

const contract = loadContract();

test('the policy option is read for every method of every service', () => {
  assert.ok(contract.methods.length > 40, `only ${contract.methods.length} methods`);
  for (const method of contract.methods) {
    assert.ok(method.policy, `${method.path} has a policy`);
    const { policy } = method;
    assert.ok(
      policy.public || policy.roles.length > 0,
      `${method.path}: a non-public method names its roles`,
    );
  }
  assertEveryMethodHasPolicy(contract);
});

test('roles in policies are the four hcs roles, scopes are <service>:read|write', () => {
  for (const method of contract.methods) {
    for (const role of method.policy?.roles ?? []) {
      assert.ok(['admin', 'operator', 'viewer', 'service'].includes(role), `${method.path}: role ${role}`);
    }
    for (const scope of method.policy?.scopes ?? []) {
      assert.match(
        scope,
        /^(auth|registry|devices|analytics|system):(read|write)$/,
        `${method.path}: scope ${scope}`,
      );
    }
  }
});

test('system methods are admin only', () => {
  for (const method of contract.methods.filter((m) => m.service === 'hcs.v1.SystemService')) {
    assert.equal(method.policy?.roles, ['admin'], method.path);
  }
});

test('the descriptor set and the generated definitions describe the same methods', () => {
  const generated = SERVICE_MODULES.flatMap((module) =>
    Object.values(module.definition).map((definition) => definition.path),
  ).sort();
  assert.equal(generated, contract.methods.map((method) => method.path).sort());
});

test('a method that loses its policy is named, and the contract is refused', () => {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_URL));
  const file = set.file.find((f) => f.package === 'hcs.v1' && f.service.length > 0);
  const method = file?.service[0]?.method[0];
  assert.ok(method);
  method.options = create(MethodOptionsSchema, {});
  const stripped = loadContract(toBinary(FileDescriptorSetSchema, set));
  const path = `/hcs.v1.${file?.service[0]?.name}/${method.name}`;
  assert.is(stripped.method(path)?.policy, undefined);
  assert.throws(
    () => assertEveryMethodHasPolicy(stripped),
    (error: Error) => error.message.includes(path),
  );
});

test('streaming methods exist where the contract promises them', () => {
  const kinds = new Map(contract.methods.map((method) => [method.path, method.kind]));
  const streaming = [...kinds.values()];
  assert.ok(streaming.includes('server_streaming'));
  assert.ok(streaming.includes('client_streaming'));
});

test.run();
