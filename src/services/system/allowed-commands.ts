import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../platform/config/index.ts';
import {
  allowListSchema,
  COMMAND_NAME,
  type CommandSpec,
  MAX_COMMAND_TIMEOUT_MS,
  PARAMETER_NAME,
  type ParameterSpec,
} from './allow-list-schema.ts';
import { parameterValueProblem } from './command-arguments.ts';
import { executableProblems } from './executable-check.ts';

/** One parameter of an allowed command, with its pattern compiled. */
export interface CommandParameter {
  name: string;
  spec: ParameterSpec;
  /** The string pattern anchored at both ends; undefined for other types. */
  pattern: RegExp | undefined;
}

/** A command of the allow-list, checked and ready to run. */
export interface AllowedCommand {
  /** The id, e.g. `restart-agent`. */
  name: string;
  description: string;
  executable: string;
  /** Literal arguments and `{parameter}` placeholders, as they will run. */
  argv: readonly string[];
  /** In the order of their first placeholder in {@link argv}. */
  parameters: readonly CommandParameter[];
  workingDirectory: string | undefined;
  environment: Readonly<Record<string, string>>;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  maxOutputBytes: number;
  sha256: string | undefined;
}

/** The allow-list as loaded at start: read-only for the life of the process. */
export interface AllowList {
  /** Every command, ordered by name. */
  readonly commands: readonly AllowedCommand[];
  get(name: string): AllowedCommand | undefined;
}

const PLACEHOLDER = /^\{([a-z][a-z0-9_]*)\}$/;
const SETTING = 'HCS_SYSTEM_COMMANDS_FILE';

/**
 * Reads and checks the allow-list file (YAML, or JSON, which YAML 1.2 reads too). Throws a
 * {@link ConfigError} listing every problem, each naming the command and field, so that a bad
 * file stops the start (exit 2) instead of failing the first run.
 */
export async function loadAllowList(file: string): Promise<AllowList> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw configError([`${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const fileMode = (await stat(file)).mode;
  if ((fileMode & 0o022) !== 0) throw configError([`${file} is group- or world-writable`]);
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 0 });
  } catch (error) {
    throw configError([`${file} is not valid YAML or JSON: ${(error as Error).message}`]);
  }
  const parsed = allowListSchema.safeParse(document);
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const problems: string[] = [];
  const commands: AllowedCommand[] = [];
  for (const [name, spec] of Object.entries(parsed.data.commands).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const checked = await checkCommand(name, spec, problems);
    if (checked !== undefined) commands.push(checked);
  }
  if (problems.length > 0) throw configError(problems);
  const byName = new Map(commands.map((command) => [command.name, command]));
  return { commands, get: (name) => byName.get(name) };
}

async function checkCommand(
  name: string,
  spec: CommandSpec,
  problems: string[],
): Promise<AllowedCommand | undefined> {
  const at = (field: string, message: string) => problems.push(`commands.${name}.${field}: ${message}`);
  const before = problems.length;
  if (!COMMAND_NAME.test(name)) {
    problems.push(`commands.${name}: a command name is an RFC 1123 label (a-z, 0-9, "-"; at most 63)`);
  }
  const used = new Set<string>();
  spec.argv.forEach((argument, index) => {
    const placeholder = PLACEHOLDER.exec(argument)?.[1];
    if (placeholder !== undefined) {
      if (spec.parameters[placeholder] === undefined)
        at(`argv.${index}`, `names no parameter "${placeholder}"`);
      used.add(placeholder);
    } else if (/[{}]/.test(argument)) {
      at(`argv.${index}`, 'a placeholder must be a whole argument, "{name}", with nothing around it');
    } else if (argument.includes('\u0000')) {
      at(`argv.${index}`, 'contains NUL');
    }
  });
  const parameters: CommandParameter[] = [];
  for (const [parameterName, parameterSpec] of Object.entries(spec.parameters)) {
    if (!used.has(parameterName)) at(`parameters.${parameterName}`, 'is not placed in argv');
    const parameter = compileParameter(parameterName, parameterSpec, (message) =>
      at(`parameters.${parameterName}`, message),
    );
    if (parameter !== undefined) parameters.push(parameter);
  }
  parameters.sort((a, b) => firstUse(spec.argv, a.name) - firstUse(spec.argv, b.name));
  const defaultTimeoutMs = Math.round(spec.timeoutSeconds * 1000);
  const maxTimeoutMs = Math.round((spec.maxTimeoutSeconds ?? Math.max(spec.timeoutSeconds, 300)) * 1000);
  if (maxTimeoutMs < defaultTimeoutMs) at('maxTimeoutSeconds', 'is smaller than timeoutSeconds');
  for (const problem of await executableProblems(spec.executable, spec.sha256)) at('executable', problem);
  if (spec.workingDirectory !== undefined) {
    const directory = await stat(spec.workingDirectory).catch(() => undefined);
    if (!directory?.isDirectory()) at('workingDirectory', `${spec.workingDirectory} is not a directory`);
  }
  if (problems.length > before) return undefined;
  return {
    name,
    description: spec.description,
    executable: spec.executable,
    argv: spec.argv,
    parameters,
    workingDirectory: spec.workingDirectory,
    environment: spec.environment,
    defaultTimeoutMs,
    maxTimeoutMs: Math.min(maxTimeoutMs, MAX_COMMAND_TIMEOUT_MS),
    maxOutputBytes: spec.maxOutputBytes,
    sha256: spec.sha256,
  };
}

function compileParameter(
  name: string,
  spec: ParameterSpec,
  problem: (message: string) => void,
): CommandParameter | undefined {
  if (!PARAMETER_NAME.test(name)) problem('a parameter name is [a-z][a-z0-9_]*, at most 63 characters');
  let pattern: RegExp | undefined;
  if (spec.type === 'string') {
    try {
      pattern = new RegExp(`^(?:${spec.pattern})$`, 'u');
    } catch (error) {
      problem(`pattern is not a valid regular expression: ${(error as Error).message}`);
      return undefined;
    }
  }
  if (spec.type === 'integer' && spec.min > spec.max) problem('min is greater than max');
  if (spec.required && spec.default !== undefined) problem('a required parameter cannot have a default');
  const parameter = { name, spec, pattern };
  if (spec.default !== undefined) {
    const invalid = parameterValueProblem(parameter, spec.default);
    if (invalid !== undefined) problem(`default ${invalid}`);
  }
  return parameter;
}

function firstUse(argv: readonly string[], name: string): number {
  return argv.indexOf(`{${name}}`);
}

function configError(messages: string[]): ConfigError {
  return new ConfigError(messages.map((message): ConfigProblem => ({ name: SETTING, message })));
}
