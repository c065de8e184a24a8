import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';

/** What an opaque secret is for; its two-letter tag is part of the value (`rt`, `ak`). */
export type OpaqueSecretKind = 'refresh_token' | 'api_key';

const TAGS = { refresh_token: 'rt', api_key: 'ak' } as const satisfies Record<OpaqueSecretKind, string>;

/** The parts of an opaque secret. */
export interface ParsedOpaqueSecret {
  kind: OpaqueSecretKind;
  /** Non-secret lookup id (16 hex digits): find the stored row by it, then compare hashes. */
  id: string;
  /** The whole value as the client presents it. */
  value: string;
}

/** A newly made secret: give `value` to the client once, store `id` and `hash` only. */
export interface GeneratedOpaqueSecret extends ParsedOpaqueSecret {
  /** {@link hashSecret} of `value`. */
  hash: string;
}

const ID_BYTES = 8;
const SECRET_BYTES = 32;
/**
 * `hcs_<tag>_<id>_<secret>`: the id is hex, so it has no `_`; the secret is 43 base64url
 * characters (256 bits) and may contain `_`, but its fixed length keeps the split unambiguous.
 */
const FORMAT = /^hcs_(rt|ak)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * Makes a refresh token or an API key: `hcs_rt_<id>_<secret>` / `hcs_ak_<id>_<secret>`, with a
 * 64-bit random lookup id and 256 random bits of secret. The recognisable prefix lets secret
 * scanners and log redaction find leaked values.
 */
export function generateOpaqueSecret(kind: OpaqueSecretKind): GeneratedOpaqueSecret {
  const id = randomBytes(ID_BYTES).toString('hex');
  const value = `hcs_${TAGS[kind]}_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { kind, id, value, hash: hashSecret(value) };
}

/**
 * The parts of a presented secret. Throws UNAUTHENTICATED `CREDENTIAL_MALFORMED` when it does
 * not have the format, or is of another kind than `expected`; the message never echoes it.
 */
export function parseOpaqueSecret(value: string, expected?: OpaqueSecretKind): ParsedOpaqueSecret {
  const match = FORMAT.exec(value);
  const kind = match?.[1] === 'rt' ? 'refresh_token' : 'api_key';
  const id = match?.[2];
  if (id === undefined || (expected !== undefined && kind !== expected)) {
    const what =
      expected === 'refresh_token' ? 'refresh token' : expected === 'api_key' ? 'API key' : 'credential';
    throw new AppError(Code.UNAUTHENTICATED, AuthReason.CREDENTIAL_MALFORMED, `the ${what} is malformed`);
  }
  return { kind, id, value };
}

/**
 * SHA-256 of the whole value, base64url: what is stored instead of the secret. A fast hash is
 * enough because the secret has 256 random bits; nobody can guess it from the hash.
 */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Whether `value` hashes to `storedHash`, compared in constant time. */
export function verifySecret(value: string, storedHash: string): boolean {
  const actual = createHash('sha256').update(value, 'utf8').digest();
  const expected = Buffer.from(storedHash, 'base64url');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
