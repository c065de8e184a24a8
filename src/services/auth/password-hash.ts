import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';

/** The scrypt work parameters (RFC 7914): CPU/memory cost `N`, block size `r`, parallelism `p`. */
export interface ScryptCost {
  /** CPU/memory cost, a power of two. Memory used is about `128 * N * r` bytes. */
  N: number;
  r: number;
  p: number;
  /** Length of the derived key in bytes. */
  keyLength: number;
}

/**
 * The default cost: N=2^14, r=8, p=1, 32-byte key — 16 MiB and ~50–100 ms per hash on the
 * 2-core box this was measured on, a few times that on a Raspberry Pi 4. It is below OWASP's
 * 2^17 (128 MiB), chosen so that a handful of concurrent logins fit in the memory and the
 * libuv thread pool of a small edge box. Stored hashes carry their own parameters, so raising
 * this later is safe: {@link PasswordHasher.needsRehash} tells when to re-hash at next login.
 */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({
  N: 2 ** 14,
  r: 8,
  p: 1,
  keyLength: 32,
});

/** Minimum password length in Unicode code points (NIST SP 800-63B allows 8; we ask for 12). */
export const MIN_PASSWORD_LENGTH = 12;

/** Maximum password length in UTF-8 bytes, so a client cannot make us hash megabytes. */
export const MAX_PASSWORD_BYTES = 1024;

const SALT_BYTES = 16;
const PREFIX = 'scrypt';
/** Bounds on parameters read back from storage, so a tampered row cannot ask for gigabytes. */
const LIMITS = { N: [2, 2 ** 20], r: [1, 32], p: [1, 16], keyLength: [16, 64], salt: [16, 64] } as const;

/**
 * Throws INVALID_ARGUMENT (`PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`, with a field violation on
 * `password`) unless a new password has at least {@link MIN_PASSWORD_LENGTH} code points and at
 * most {@link MAX_PASSWORD_BYTES} UTF-8 bytes. Only for passwords being set; a login with an
 * existing password is verified whatever its length.
 */
export function assertPasswordAcceptable(password: string): void {
  const normalized = password.normalize('NFC');
  if ([...normalized].length < MIN_PASSWORD_LENGTH) {
    throw passwordError(AuthReason.PASSWORD_TOO_SHORT, `at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) {
    throw passwordError(AuthReason.PASSWORD_TOO_LONG, `at most ${MAX_PASSWORD_BYTES} bytes`);
  }
}

function passwordError(reason: string, requirement: string): AppError {
  const description = `the password must be ${requirement} long`;
  return new AppError(Code.INVALID_ARGUMENT, reason, description, {
    fieldViolations: [{ field: 'password', description }],
  });
}

/** Options of {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /** Cost of new hashes. Default {@link DEFAULT_SCRYPT_COST}; tests pass a cheap one. */
  cost?: ScryptCost;
}

/** Hashes and verifies passwords with scrypt. Every method runs scrypt off the event loop. */
export interface PasswordHasher {
  /**
   * A self-describing hash, `scrypt$N=16384,r=8,p=1$<salt>$<key>` (base64url, unpadded; the key
   * length is the decoded key's), with a fresh random salt. The password is NFC-normalised so
   * the same characters typed on different keyboards match. Does not check the length rules:
   * call {@link assertPasswordAcceptable} first.
   */
  hash(password: string): Promise<string>;
  /**
   * Whether `password` matches `stored`, compared in constant time. A password longer than
   * {@link MAX_PASSWORD_BYTES} is never hashed and never matches. Throws INTERNAL
   * `PASSWORD_HASH_MALFORMED` when `stored` cannot be read, rather than answering "wrong password".
   */
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * Spends the time of one {@link verify} and resolves to false. Call it when the user does not
   * exist, so that "unknown user" and "wrong password" take the same time.
   */
  verifyAgainstDummy(password: string): Promise<false>;
  /**
   * Whether `stored` was made with a lower cost than the current one (re-hash after a good
   * login). Throws like {@link verify} when `stored` cannot be read.
   */
  needsRehash(stored: string): boolean;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

/** Creates a {@link PasswordHasher}; the dummy hash for {@link PasswordHasher.verifyAgainstDummy} is made on first use. */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const cost = validateScryptCost(options.cost ?? DEFAULT_SCRYPT_COST);
  let dummy: Promise<string> | undefined;

  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, cost);
    return formatHash({ cost, salt, key });
  };

  const verify = async (password: string, stored: string): Promise<boolean> => {
    const parsed = parseHash(stored);
    const tooLong = Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
    // A too-long password still pays one hash (of nothing), so its refusal is not faster.
    const key = await derive(tooLong ? '' : password, parsed.salt, parsed.cost);
    return timingSafeEqual(key, parsed.key) && !tooLong;
  };

  return {
    hash,
    verify,
    async verifyAgainstDummy(password) {
      dummy ??= hash(randomBytes(SALT_BYTES).toString('base64url'));
      await verify(password, await dummy);
      return false;
    },
    needsRehash(stored) {
      const old = parseHash(stored);
      return (
        old.cost.N < cost.N ||
        old.cost.r < cost.r ||
        old.cost.p < cost.p ||
        old.cost.keyLength < cost.keyLength
      );
    },
  };
}

function validateScryptCost(cost: ScryptCost): ScryptCost {
  if (!isCostWithinLimits(cost)) {
    throw new RangeError(`scrypt cost out of bounds: ${JSON.stringify(cost)}`);
  }
  return { ...cost };
}

function isCostWithinLimits(cost: ScryptCost): boolean {
  const within = (value: number, [min, max]: readonly [number, number]) =>
    Number.isSafeInteger(value) && value >= min && value <= max;
  return (
    within(cost.N, LIMITS.N) &&
    (cost.N & (cost.N - 1)) === 0 &&
    within(cost.r, LIMITS.r) &&
    within(cost.p, LIMITS.p) &&
    within(cost.keyLength, LIMITS.keyLength)
  );
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const { N, r, p, keyLength } = cost;
  // Node refuses when 128*N*r exceeds maxmem (default 32 MiB); allow twice what the cost needs.
  const maxmem = 256 * N * r;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function formatHash({ cost, salt, key }: ParsedHash): string {
  const params = `N=${cost.N},r=${cost.r},p=${cost.p}`;
  return `${PREFIX}$${params}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const HASH_PATTERN = /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function parseHash(stored: string): ParsedHash {
  const match = HASH_PATTERN.exec(stored);
  if (match !== null) {
    const [, N, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
    const parsed = {
      cost: { N: Number(N), r: Number(r), p: Number(p), keyLength: 0 },
      salt: Buffer.from(salt, 'base64url'),
      key: Buffer.from(key, 'base64url'),
    };
    parsed.cost.keyLength = parsed.key.length;
    const [minSalt, maxSalt] = LIMITS.salt;
    if (isCostWithinLimits(parsed.cost) && parsed.salt.length >= minSalt && parsed.salt.length <= maxSalt) {
      return parsed;
    }
  }
  throw new AppError(Code.INTERNAL, AuthReason.PASSWORD_HASH_MALFORMED, 'internal error');
}
