/** Tells whether a topic matches a pattern. */
export type TopicMatcher = (topic: string) => boolean;

const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;
const literal = (char: string) => char.replace(REGEXP_SPECIAL, '\\$&');

/**
 * Compiles a topic pattern with the semantics of Redis `PSUBSCRIBE` (see `TopicPattern`), so the
 * memory bus matches what Redis would; the cases are checked against a real Redis. As in Redis,
 * a `[` with no closing `]` makes a class of the rest of the pattern. (Malformed ranges such as
 * `[a-]`, which Redis reads past the `]`, are not reproduced.)
 */
export function compileTopicPattern(pattern: string): TopicMatcher {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '\\' && i + 1 < pattern.length) source += literal(pattern[++i] as string);
    else if (char === '[') {
      const found = classEnd(pattern, i);
      const end = found === -1 ? pattern.length : found;
      source += classSource(pattern.slice(i + 1, end));
      i = end;
    } else source += literal(char);
  }
  const regexp = new RegExp(`^${source}$`, 's');
  return (topic) => regexp.test(topic);
}

/** Escapes every glob character of `text`, so it matches only itself inside a pattern. */
export function escapeTopicPattern(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function classEnd(pattern: string, open: number): number {
  for (let i = open + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function classSource(body: string): string {
  let negate = false;
  let i = 0;
  if (body.startsWith('^')) {
    negate = true;
    i = 1;
  }
  let out = '';
  for (; i < body.length; i++) {
    const char = body[i] as string;
    if (char === '\\' && i + 1 < body.length) {
      out += literal(body[++i] as string);
    } else if (body[i + 1] === '-' && i + 2 < body.length) {
      // Redis accepts reversed ranges ([z-a]); a RegExp does not, so order the ends.
      const to = body[i + 2] as string;
      const [low, high] = char <= to ? [char, to] : [to, char];
      out += `${literal(low)}-${literal(high)}`;
      i += 2;
    } else out += literal(char);
  }
  if (out === '') return negate ? '[^]' : '(?!)';
  return `[${negate ? '^' : ''}${out}]`;
}
