import { pino } from 'pino';
import { truncateText } from '../errors/index.ts';

/** Most characters of one string an error in a log line keeps; a stack keeps four times as many. */
const MAX_STRING = 2048;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;

/**
 * pino's error serializer (type, message, stack, causes, own fields), bounded: an error whose
 * message or fields quote a client's input (a parser's message, a driver's failed statement)
 * makes a log line of a few KiB, not of the input's size. Strings are cut, lists and objects
 * keep their first entries, nesting stops after a few levels.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return bound(error, 0, MAX_STRING);
  return bound(pino.stdSerializers.err(error), 0, MAX_STRING);
}

function bound(value: unknown, depth: number, maxString: number): unknown {
  if (typeof value === 'string') return truncateText(value, maxString);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ITEMS).map((item) => bound(item, depth + 1, MAX_STRING));
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    out[key] = bound(item, depth + 1, key === 'stack' ? 4 * MAX_STRING : MAX_STRING);
  }
  return out;
}
