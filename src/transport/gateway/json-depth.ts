/** Deepest nesting of arrays and objects a JSON body may have. No hcs request needs more than a few. */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether JSON text nests arrays or objects more than `maxDepth` deep. `JSON.parse` copes with
 * deep nesting, but whatever walks the value next (copying, decoding) recurses, and about 4 000
 * levels overflow the stack, so the text is measured before it is parsed: one pass, brackets
 * inside strings not counted.
 */
export function isJsonTooDeep(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}
