/**
 * Formats an instant as proto3 JSON writes a Timestamp: RFC 3339 in UTC, `Z`, and the fraction
 * only when there is one (`2026-01-01T00:00:00Z`, `2026-01-01T00:00:00.250Z`).
 *
 * `Date.prototype.toISOString` costs about a microsecond a call in V8 (it goes through the
 * runtime's date cache); a REST answer often carries several timestamps, so the civil date is
 * computed here with integer arithmetic (H. Hinnant's `civil_from_days`) instead. Instants
 * outside years 0001–9999, which RFC 3339 cannot write, fall back to `toISOString` (and an
 * invalid date throws its RangeError), so the result never differs from it.
 */
export function timestampToRfc3339(date: Date): string {
  const epochMs = date.getTime();
  if (!(epochMs >= MIN_MS && epochMs <= MAX_MS)) return fromIsoString(date);
  const epochSeconds = Math.floor(epochMs / 1000);
  const millis = epochMs - epochSeconds * 1000;
  const days = Math.floor(epochSeconds / 86_400);
  const secondOfDay = epochSeconds - days * 86_400;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const second = secondOfDay % 60;

  const text = `${dateOf(days)}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}`;
  return millis === 0 ? `${text}Z` : `${text}.${THREE_DIGITS[millis]}Z`;
}

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, the range proto3 JSON allows.
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

// Answers mostly carry recent instants: the date part of the last day written is kept.
let cachedDays = Number.NaN;
let cachedDate = '';

/** `YYYY-MM-DDT` of a day counted from the epoch. */
function dateOf(days: number): string {
  if (days === cachedDays) return cachedDate;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  cachedDays = days;
  cachedDate = `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
  return cachedDate;
}

function fromIsoString(date: Date): string {
  const iso = date.toISOString();
  return date.getUTCMilliseconds() === 0 ? `${iso.slice(0, -5)}Z` : iso;
}
