import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../../src/platform/config/index.ts';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  assertMayRunCommandsAs,
  commandLineOf,
  loadAllowList,
  sha256Of,
} from '../../../../src/services/system/index.ts';
import { removeTempDir, tempDir } from '../../../helpers/process.ts';
import { writeScripts } from '../../../helpers/scripts.ts';

const dir = tempDir('hcs-allow-');
const scripts = writeScripts(dir);
let fileCount = 0;

test.after(() => removeTempDir(dir));

function allowListFile(commands: Record<string, unknown>, mode = 0o644): string {
  const path = join(dir, `allow-${fileCount++}.json`);
  writeFileSync(path, JSON.stringify({ commands }));
  chmodSync(path, mode);
  return path;
}

async function problemsOf(file: string): Promise<string> {
  try {
    await loadAllowList(file);
  } catch (error) {
    assert.instance(error, ConfigError);
    return (error as ConfigError).problems.map((problem) => `${problem.name}: ${problem.message}`).join('\n');
  }
  throw new Error('the allow-list loaded');
}

const echo = {
  executable: scripts['echo-argv'],
  argv: ['--unit', '{unit}', '{lines}', '{word}'],
  parameters: {
    unit: { type: 'enum', values: ['hcs', 'agent'], required: true },
    lines: { type: 'integer', min: -5, max: 1000, default: '10', allowLeadingDash: true },
    word: { type: 'string', pattern: '[a-z]+|-v' },
  },
};

test('a valid YAML allow-list loads, ordered by name, with defaults filled in', async () => {
  const path = join(dir, 'allow.yaml');
  writeFileSync(
    path,
    `commands:\n  zeta:\n    executable: ${scripts.ticker}\n    argv: ["3"]\n  alpha:\n    executable: ${scripts['echo-argv']}\n    description: Echo\n`,
  );
  const list = await loadAllowList(path);
  assert.equal(
    list.commands.map((command) => command.name),
    ['alpha', 'zeta'],
  );
  const alpha = list.get('alpha');
  assert.is(alpha?.defaultTimeoutMs, 30_000);
  assert.is(alpha?.maxOutputBytes, 65_536);
  assert.is(list.get('missing'), undefined);
});

test('arguments are placed whole where the template says; an omitted optional one with no default is left off', async () => {
  const list = await loadAllowList(allowListFile({ echo }));
  const command = list.get('echo');
  assert.ok(command);
  assert.equal(commandLineOf(command, { unit: 'hcs', word: 'abc' }), ['--unit', 'hcs', '10', 'abc']);
  assert.equal(commandLineOf(command, { unit: 'agent', lines: '-5' }), ['--unit', 'agent', '-5']);
});

test('injection attempts, a leading "-", NUL, out-of-range and unknown names are refused naming the argument', async () => {
  const command = (await loadAllowList(allowListFile({ echo }))).get('echo');
  assert.ok(command);
  const refused: [Record<string, string>, string][] = [
    [{ unit: 'hcs; rm -rf /' }, 'arguments[unit]'],
    [{ unit: 'hcs', word: 'abc && id' }, 'arguments[word]'],
    [{ unit: 'hcs', word: '$(id)' }, 'arguments[word]'],
    [{ unit: 'hcs', word: '`id`' }, 'arguments[word]'],
    [{ unit: 'hcs', word: 'abc\ndef' }, 'arguments[word]'],
    [{ unit: 'hcs', word: '-v' }, 'arguments[word]'],
    [{ unit: 'hcs', word: 'a\u0000b' }, 'arguments[word]'],
    [{ unit: 'hcs', lines: '1001' }, 'arguments[lines]'],
    [{ unit: 'hcs', lines: '99999999999999999999999' }, 'arguments[lines]'],
    [{ unit: 'hcs', lines: '1e3' }, 'arguments[lines]'],
    [{ unit: 'hcs', lines: ' 5' }, 'arguments[lines]'],
    [{}, 'arguments[unit]'],
    [{ unit: 'hcs', extra: 'x' }, 'arguments["extra"]'],
  ];
  for (const [values, field] of refused) {
    try {
      commandLineOf(command, values);
      assert.unreachable(JSON.stringify(values));
    } catch (error) {
      assert.instance(error, AppError);
      const appError = error as AppError;
      assert.is(appError.code, Code.INVALID_ARGUMENT, JSON.stringify(values));
      assert.is(appError.reason, 'INVALID_COMMAND_ARGUMENT');
      assert.equal(
        (appError.details as { fieldViolations: { field: string }[] }).fieldViolations[0]?.field,
        field,
        JSON.stringify(values),
      );
    }
  }
});

test('a NUL is refused even where the parameter pattern would match it', async () => {
  const anything = {
    executable: scripts['echo-argv'],
    argv: ['{text}'],
    parameters: { text: { type: 'string', pattern: '[^/]*' } },
  };
  const command = (await loadAllowList(allowListFile({ anything }))).get('anything');
  assert.ok(command);
  assert.equal(commandLineOf(command, { text: 'a b' }), ['a b']);
  try {
    commandLineOf(command, { text: 'a\u0000b' });
    assert.unreachable('a NUL was accepted');
  } catch (error) {
    assert.instance(error, AppError);
    assert.match((error as AppError).message, /contains NUL/);
  }
});

test('a group- or world-writable executable, or one in such a directory, stops the load naming the command', async () => {
  const writable = join(dir, 'writable.sh');
  writeFileSync(writable, '#!/bin/sh\n');
  chmodSync(writable, 0o775);
  assert.match(
    await problemsOf(allowListFile({ bad: { executable: writable } })),
    /commands\.bad\.executable: .*group- or world-writable/,
  );
  const openDir = join(dir, 'open');
  mkdirSync(openDir);
  chmodSync(openDir, 0o777);
  const inOpenDir = join(openDir, 'tool.sh');
  writeFileSync(inOpenDir, '#!/bin/sh\n');
  chmodSync(inOpenDir, 0o755);
  assert.match(
    await problemsOf(allowListFile({ tool: { executable: inOpenDir } })),
    /commands\.tool\.executable: its directory .*open is group- or world-writable/,
  );
});

test('a pinned SHA-256 must match the executable', async () => {
  const actual = await sha256Of(scripts.ticker);
  await loadAllowList(allowListFile({ tick: { executable: scripts.ticker, sha256: actual } }));
  const wrong = actual.replace(/^./, actual.startsWith('0') ? '1' : '0');
  assert.match(
    await problemsOf(allowListFile({ tick: { executable: scripts.ticker, sha256: wrong } })),
    `commands.tick.executable: ${scripts.ticker} has SHA-256 ${actual}, not the pinned ${wrong}`,
  );
});

test('every problem of a bad file is reported at once, each naming its entry and field', async () => {
  const text = await problemsOf(
    allowListFile({
      'Bad Name': { executable: scripts.ticker },
      relative: { executable: 'bin/tool' },
      partial: {
        executable: scripts.ticker,
        argv: ['--unit={unit}'],
        parameters: { unit: { type: 'enum', values: ['a'] } },
      },
      typo: { executable: scripts.ticker, alowLeadingDash: true },
      regex: {
        executable: scripts.ticker,
        argv: ['{p}'],
        parameters: { p: { type: 'string', pattern: '(' } },
      },
    }),
  );
  assert.match(text, 'commands.relative.executable: must be an absolute path');
  assert.match(text, 'commands.typo: Unrecognized key: "alowLeadingDash"');
  const semantic = await problemsOf(
    allowListFile({
      'Bad Name': { executable: scripts.ticker },
      partial: {
        executable: scripts.ticker,
        argv: ['--unit={unit}'],
        parameters: { unit: { type: 'enum', values: ['a'] } },
      },
      regex: {
        executable: scripts.ticker,
        argv: ['{p}'],
        parameters: { p: { type: 'string', pattern: '(' } },
      },
      unused: { executable: scripts.ticker, argv: ['{ghost}'] },
      baddefault: {
        executable: scripts.ticker,
        argv: ['{n}'],
        parameters: { n: { type: 'integer', min: 1, max: 5, default: '9' } },
      },
    }),
  );
  assert.match(semantic, 'HCS_SYSTEM_COMMANDS_FILE: commands.Bad Name: a command name is an RFC 1123 label');
  assert.match(semantic, 'commands.partial.argv.0: a placeholder must be a whole argument');
  assert.match(semantic, 'commands.partial.parameters.unit: is not placed in argv');
  assert.match(semantic, 'commands.regex.parameters.p: pattern is not a valid regular expression');
  assert.match(semantic, 'commands.unused.argv.0: names no parameter "ghost"');
  assert.match(semantic, 'commands.baddefault.parameters.n: default must be from 1 to 5');
});

test('a missing, unparsable or group-writable allow-list file stops the load', async () => {
  assert.match(await problemsOf(join(dir, 'nope.yaml')), 'cannot be read: ENOENT');
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'commands: [unclosed');
  assert.match(await problemsOf(broken), 'is not valid YAML or JSON');
  assert.match(await problemsOf(allowListFile({}, 0o666)), 'is group- or world-writable');
});

test('commands do not run as root unless allowed; any other user may run them', () => {
  try {
    assertMayRunCommandsAs(0, false);
    assert.unreachable('root ran');
  } catch (error) {
    assert.is((error as AppError).code, Code.PERMISSION_DENIED);
    assert.is((error as AppError).reason, 'RUNS_AS_ROOT');
  }
  assertMayRunCommandsAs(0, true);
  assertMayRunCommandsAs(1000, false);
  assertMayRunCommandsAs(undefined, false);
});

test.run();
