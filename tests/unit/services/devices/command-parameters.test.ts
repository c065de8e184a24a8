import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveParameters } from '../../../../src/services/devices/command-parameters.ts';
import type { ProfileBody } from '../../../../src/services/devices/profile-schema.ts';

const command: ProfileBody['commands'][number] = {
  name: 'move',
  description: '',
  kind: 'write',
  resources: [],
  attributes: {},
  parameters: [
    {
      name: 'speed',
      description: '',
      valueType: 'int64',
      required: true,
      minimum: 1,
      maximum: 10,
      resource: '',
    },
    {
      name: 'ratio',
      description: '',
      valueType: 'double',
      required: false,
      default: { type: 'double', value: 0.5 },
      resource: '',
    },
    { name: 'label', description: '', valueType: 'string', required: false, resource: '' },
  ],
};

test('typed and JSON values are converted to the declared types, and defaults fill the gaps', () => {
  assert.equal(resolveParameters(command, { speed: { intValue: '3' } }, {}, []), {
    speed: { type: 'int64', value: '3' },
    ratio: { type: 'double', value: 0.5 },
  });
  assert.equal(resolveParameters(command, {}, { speed: '7', ratio: 2, label: 'x' }, []), {
    speed: { type: 'int64', value: '7' },
    ratio: { type: 'double', value: 2 },
    label: { type: 'string', value: 'x' },
  });
});

const refusals: Array<[string, Record<string, unknown>, Record<string, unknown>, string, RegExp]> = [
  ['missing required', {}, {}, 'parameters.speed', /speed is required \(an INT64 from 1 to 10\)/],
  ['above the maximum', {}, { speed: 11 }, 'json_parameters.speed', /from 1 to 10, got 11/],
  ['wrong typed kind', { speed: { doubleValue: 3 } }, {}, 'parameters.speed', /must be an INT64/],
  ['fractional JSON for INT64', {}, { speed: 2.5 }, 'json_parameters.speed', /must be an INT64/],
  [
    'unknown name',
    { speed: { intValue: '1' } },
    { turbo: true },
    'json_parameters.turbo',
    /no parameter "turbo"/,
  ],
  ['given twice', { speed: { intValue: '1' } }, { speed: 1 }, 'json_parameters.speed', /given twice/],
  [
    'bool for a string',
    { speed: { intValue: '1' } },
    { label: true },
    'json_parameters.label',
    /must be a STRING/,
  ],
];

for (const [title, typed, json, field, description] of refusals) {
  test(`refused: ${title}, naming the field and what it accepts`, () => {
    try {
      resolveParameters(command, typed as never, json, []);
      assert.unreachable('accepted');
    } catch (error) {
      const violations = (
        error as { details: { fieldViolations: Array<{ field: string; description: string }> } }
      ).details.fieldViolations;
      assert.is(violations[0]?.field, field);
      assert.match(violations[0]?.description ?? '', description);
      assert.is((error as { code: number }).code, 3);
    }
  });
}

test.run();
