/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * An incremental RFC 4180 reader: feed it text in pieces split anywhere (inside a field, a
 * quoted field, or between the CR and LF of a line break) and it returns the records each
 * piece completes. Quoted fields may hold the delimiter, `""` and line breaks; lines end in LF
 * or CRLF. A character after a closing quote other than the delimiter or a line break is
 * malformed and reported with its line. Blank lines are skipped. Hand-written because the
 * npm CSV parsers either buffer whole documents or bring a stream stack per call; this is
 * one small state machine that keeps only the current record.
 */
export function createCsvReader(delimiter = ','): {
  push(text: string): CsvRecord[];
  /** Ends the input; returns the last record, if it had no line break. */
  end(): CsvRecord[];
  /** The 1-based line being read. */
  currentLine(): number;
} {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  // A quote ended a piece inside a quoted field: the next piece's first character decides.
  let pendingQuote = false;
  let pendingCr = false;
  let line = 1;
  let recordLine = 1;
  let started = false;

  function finishRecord(out: CsvRecord[]): void {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !afterQuote;
    if (!blank) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
    afterQuote = false;
    started = false;
  }

  function malformed(message: string): never {
    throw new CsvSyntaxError(line, message);
  }

  return {
    push(text) {
      const out: CsvRecord[] = [];
      for (let i = 0; i < text.length; i++) {
        const c = text[i] as string;
        if (pendingCr) {
          pendingCr = false;
          if (c === '\n') {
            finishRecord(out);
            line += 1;
            continue;
          }
          malformed('a carriage return must be followed by a line feed');
        }
        if (!started) {
          started = true;
          recordLine = line;
        }
        if (quoted) {
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i++;
            } else if (i + 1 === text.length) {
              // The next piece decides between `""` and a closing quote.
              quoted = false;
              afterQuote = true;
              pendingQuote = true;
            } else {
              quoted = false;
              afterQuote = true;
            }
          } else {
            if (c === '\n') line += 1;
            field += c;
          }
          continue;
        }
        if (pendingQuote) {
          pendingQuote = false;
          if (c === '"') {
            field += '"';
            quoted = true;
            afterQuote = false;
            continue;
          }
        }
        if (c === delimiter) {
          fields.push(field);
          field = '';
          afterQuote = false;
        } else if (c === '\n') {
          finishRecord(out);
          line += 1;
        } else if (c === '\r') {
          pendingCr = true;
        } else if (afterQuote) {
          malformed('a closing quote must be followed by the delimiter or the end of the line');
        } else if (c === '"') {
          if (field !== '') malformed('a quote may only open a field');
          quoted = true;
        } else {
          field += c;
        }
      }
      return out;
    },
    currentLine: () => line,
    end() {
      pendingQuote = false;
      if (quoted) malformed('a quoted field is not closed');
      if (pendingCr) malformed('a carriage return must be followed by a line feed');
      const out: CsvRecord[] = [];
      if (started) finishRecord(out);
      return out;
    },
  };
}

/** A malformed CSV line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}
