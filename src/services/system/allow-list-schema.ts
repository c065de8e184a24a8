import { z } from 'zod';

/** Default timeout of a command that sets none: 30 s. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Largest timeout any command may declare or a call may get: 1 hour. */
export const MAX_COMMAND_TIMEOUT_MS = 3_600_000;
/** Default output kept per stream of a run: 64 KiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** Largest output cap a command may declare, per stream: 16 MiB (it is stored with the run). */
export const MAX_OUTPUT_BYTES_CAP = 16 * 1024 * 1024;

/** What a command's name must look like: an RFC 1123 label. */
export const COMMAND_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** What a parameter's name must look like. */
export const PARAMETER_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const seconds = (max: number) =>
  z
    .number()
    .positive()
    .max(max / 1000, `at most ${max / 1000} seconds`);

const common = {
  description: z.string().max(1024).default(''),
  required: z.boolean().default(false),
  /** The value used when an optional parameter is omitted; unset leaves its argument off. */
  default: z.string().optional(),
  allowLeadingDash: z.boolean().default(false),
};

const parameterSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('enum'),
    values: z.array(z.string().min(1).max(4096)).min(1, 'an enum needs at least one value'),
    ...common,
  }),
  z.strictObject({
    type: z.literal('integer'),
    min: z.number().int().safe(),
    max: z.number().int().safe(),
    ...common,
  }),
  z.strictObject({
    type: z.literal('string'),
    /** ECMAScript regular expression; hcs anchors it at both ends. */
    pattern: z.string().min(1).max(1024),
    maxLength: z.number().int().positive().max(4096).default(256),
    ...common,
  }),
]);

/** One parameter as the allow-list file declares it. */
export type ParameterSpec = z.output<typeof parameterSchema>;

const commandSchema = z.strictObject({
  description: z.string().max(1024).default(''),
  executable: z.string().startsWith('/', 'must be an absolute path'),
  /** Literal arguments and whole-argument placeholders, `{parameter}`. */
  argv: z.array(z.string().max(4096)).max(256).default([]),
  // Names are checked by the loader: zod reports a bad record key without its message.
  parameters: z.record(z.string(), parameterSchema).default({}),
  workingDirectory: z.string().startsWith('/', 'must be an absolute path').optional(),
  environment: z
    .record(z.string().regex(ENV_NAME, 'not an environment variable name'), z.string())
    .default({}),
  timeoutSeconds: seconds(MAX_COMMAND_TIMEOUT_MS).default(DEFAULT_COMMAND_TIMEOUT_MS / 1000),
  maxTimeoutSeconds: seconds(MAX_COMMAND_TIMEOUT_MS).optional(),
  maxOutputBytes: z.number().int().positive().max(MAX_OUTPUT_BYTES_CAP).default(DEFAULT_MAX_OUTPUT_BYTES),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
    .optional(),
});

/** One command as the allow-list file declares it. */
export type CommandSpec = z.output<typeof commandSchema>;

/**
 * The allow-list file: `{ commands: { <name>: { executable, argv, parameters, … } } }`, in
 * YAML or JSON. Unknown keys are refused (a misspelt `alowLeadingDash` must not silently
 * mean false).
 */
export const allowListSchema = z.strictObject({
  commands: z.record(z.string(), commandSchema),
});
