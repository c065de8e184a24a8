import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';

/**
 * How access tokens are signed. HS256 needs one shared secret of at least 32 bytes (RFC 7518
 * §3.2); RS256 (RSA ≥ 2048 bits) and ES256 (P-256) sign with a private key and publish the public
 * one in {@link AccessTokens.publicJwks}. EdDSA is not offered: jsonwebtoken 9 cannot sign it.
 */
export type AccessTokenKey =
  | { algorithm: 'HS256'; secret: string | Uint8Array }
  | { algorithm: 'RS256' | 'ES256'; privateKey: string | KeyObject };

/** The signing algorithm of an {@link AccessTokenKey}. */
export type AccessTokenAlgorithm = AccessTokenKey['algorithm'];

/** Options of {@link createAccessTokens}. */
export interface AccessTokenOptions {
  key: AccessTokenKey;
  /** `iss` of issued tokens, and the only issuer accepted. */
  issuer: string;
  /** `aud` of issued tokens, and the only audience accepted. */
  audience: string;
  /** Lifetime of an issued token. Default 15 minutes. */
  ttlMs?: number;
  /** How far past `exp` (or before `nbf`) a token is still accepted, for clocks that drift. Default 30 s. */
  clockSkewMs?: number;
  /** Most verified tokens remembered; 0 turns the cache off. Default 10 000. */
  cacheEntries?: number;
  /** Wall clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** The claims of an hcs access token. Times are in seconds since the epoch, as JWT has them. */
export interface AccessTokenClaims {
  /** The principal: a user or service account id. */
  readonly sub: string;
  readonly roles: readonly string[];
  /** Granted scopes, space-separated (RFC 8693 §4.2, RFC 6749 §3.3). */
  readonly scope: string;
  /** Random token id, the handle for revocation. */
  readonly jti: string;
  /** The refresh-token family the token was issued from: revoking it revokes the token too. */
  readonly sid?: string;
  readonly iat: number;
  readonly exp: number;
  readonly iss: string;
  readonly aud: string;
}

/** Who a token is for and what it grants. */
export interface AccessTokenGrant {
  subject: string;
  roles: readonly string[];
  /** Each an RFC 6749 scope token (printable ASCII, no space, `"` or `\`). */
  scopes: readonly string[];
  /** The refresh-token family this token belongs to, carried as the `sid` claim. */
  sessionId?: string;
}

/** A freshly signed token with the claims inside it. */
export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}

/** One public key of a JWKS document (RFC 7517), with `kid` its RFC 7638 thumbprint. */
export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: AccessTokenAlgorithm;
  use: 'sig';
}

/** Signs and verifies access tokens with the one key it was made with. */
export interface AccessTokens {
  readonly algorithm: AccessTokenAlgorithm;
  /** Lifetime of a token issued now, in seconds (the `expires_in` of a token response). */
  readonly expiresInSeconds: number;
  /** The longest a token issued now stays acceptable: its lifetime plus the clock skew, in ms. */
  readonly acceptedForMs: number;
  /** Signs a token for `grant` with a random `jti`, valid from now for `ttlMs`. Throws INVALID_ARGUMENT `INVALID_SCOPE`. */
  sign(grant: AccessTokenGrant): IssuedAccessToken;
  /**
   * The claims of a valid token. Only the configured algorithm is accepted (never `none`, never
   * HS256 against an asymmetric key); `iss`, `aud` and `exp` are checked with the clock skew, and
   * so is `iat` (and `nbf`): a token issued in the future is invalid. Times must be whole seconds
   * up to the year 9999.
   * Throws UNAUTHENTICATED `TOKEN_EXPIRED` or `TOKEN_INVALID`; the message never contains the
   * token. A token verified before is answered from the cache until its `exp` or {@link forget}.
   */
  verify(token: string): AccessTokenClaims;
  /** Drops a cached verification, for revocation. It does not make the token invalid by itself. */
  forget(jti: string): void;
  /** The JWKS document for `/.well-known/jwks.json`: the public key, or no keys for HS256. */
  publicJwks(): { keys: PublicJwk[] };
}

/** {@link AccessTokenOptions} with every default filled. */
export type ValidAccessTokenOptions = Required<AccessTokenOptions>;

const MIN_HMAC_SECRET_BYTES = 32;
/** Far above any token we issue; a longer one is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 8192;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Fills the defaults of {@link AccessTokenOptions}; throws RangeError on a value that cannot work. */
export function validateAccessTokenOptions(options: AccessTokenOptions): ValidAccessTokenOptions {
  const valid = {
    ...options,
    ttlMs: options.ttlMs ?? 15 * 60_000,
    clockSkewMs: options.clockSkewMs ?? 30_000,
    cacheEntries: options.cacheEntries ?? 10_000,
    now: options.now ?? Date.now,
  };
  if (!(Number.isSafeInteger(valid.ttlMs) && valid.ttlMs >= 1000)) {
    throw new RangeError(`access token ttlMs must be an integer of at least 1000, got ${valid.ttlMs}`);
  }
  for (const name of ['clockSkewMs', 'cacheEntries'] as const) {
    if (!(Number.isSafeInteger(valid[name]) && valid[name] >= 0)) {
      throw new RangeError(`access token ${name} must be a non-negative integer, got ${valid[name]}`);
    }
  }
  if (valid.issuer === '' || valid.audience === '') {
    throw new RangeError('access token issuer and audience must not be empty');
  }
  return valid;
}

/**
 * Creates the signer/verifier. Key material becomes `KeyObject`s here, once: given a string,
 * jsonwebtoken tries `createPublicKey` on every verify (an HS256 verify then cost 4–5× as much
 * on the 2-core box this was measured on; DESIGN.md records 40× on another).
 */
export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  const { key, issuer, audience, ttlMs, clockSkewMs, cacheEntries, now } =
    validateAccessTokenOptions(options);
  const { algorithm } = key;
  const keys = keyObjectsOf(key);
  const jwk = keys.publicJwk;
  const cache = createVerifiedTokenCache<AccessTokenClaims>({ maxEntries: cacheEntries, now });
  const signOptions: jwt.SignOptions = { algorithm, ...(jwk === undefined ? {} : { keyid: jwk.kid }) };
  const verifyOptions = {
    algorithms: [algorithm],
    issuer,
    audience,
    clockTolerance: clockSkewMs / 1000,
  } satisfies jwt.VerifyOptions;

  return {
    algorithm,
    expiresInSeconds: Math.ceil(ttlMs / 1000),
    acceptedForMs: Math.ceil(ttlMs / 1000) * 1000 + clockSkewMs,
    sign(grant) {
      for (const scope of grant.scopes) {
        if (!SCOPE_TOKEN.test(scope)) {
          throw new AppError(
            Code.INVALID_ARGUMENT,
            AuthReason.INVALID_SCOPE,
            'a scope is not a valid scope token',
            {
              fieldViolations: [
                { field: 'scope', description: 'scopes are printable ASCII without space, " or \\' },
              ],
            },
          );
        }
      }
      const iat = Math.floor(now() / 1000);
      const claims: AccessTokenClaims = Object.freeze({
        sub: grant.subject,
        roles: Object.freeze([...grant.roles]),
        scope: grant.scopes.join(' '),
        jti: randomBytes(16).toString('base64url'),
        ...(grant.sessionId === undefined ? {} : { sid: grant.sessionId }),
        iat,
        exp: iat + Math.ceil(ttlMs / 1000),
        iss: issuer,
        aud: audience,
      });
      return { token: jwt.sign({ ...claims, roles: [...claims.roles] }, keys.signing, signOptions), claims };
    },
    verify(token) {
      const cached = cache.get(token);
      if (cached !== undefined) return cached;
      if (token.length > MAX_TOKEN_LENGTH) throw tokenInvalid();
      let payload: unknown;
      try {
        payload = jwt.verify(token, keys.verifying, {
          ...verifyOptions,
          clockTimestamp: Math.floor(now() / 1000),
        });
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) {
          throw new AppError(Code.UNAUTHENTICATED, AuthReason.TOKEN_EXPIRED, 'the access token has expired', {
            cause: error,
          });
        }
        throw tokenInvalid(error);
      }
      const claims = claimsFromPayload(payload, Math.floor((now() + clockSkewMs) / 1000));
      cache.set(token, claims.jti, claims.exp * 1000, claims);
      return claims;
    },
    forget(jti) {
      cache.forget(jti);
    },
    publicJwks() {
      return { keys: jwk === undefined ? [] : [{ ...jwk }] };
    },
  };
}

function tokenInvalid(cause?: unknown): AppError {
  return new AppError(Code.UNAUTHENTICATED, AuthReason.TOKEN_INVALID, 'the access token is invalid', {
    cause,
  });
}

interface KeyObjects {
  signing: KeyObject;
  verifying: KeyObject;
  publicJwk?: PublicJwk;
}

function keyObjectsOf(key: AccessTokenKey): KeyObjects {
  if (key.algorithm === 'HS256') {
    const secret = createSecretKey(
      typeof key.secret === 'string' ? Buffer.from(key.secret, 'utf8') : key.secret,
    );
    if (secret.symmetricKeySize === undefined || secret.symmetricKeySize < MIN_HMAC_SECRET_BYTES) {
      throw new RangeError(`an HS256 secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes`);
    }
    return { signing: secret, verifying: secret };
  }
  const privateKey = typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey;
  if (privateKey.type !== 'private') throw new RangeError(`${key.algorithm} needs a private key`);
  const details = privateKey.asymmetricKeyDetails;
  const fits =
    key.algorithm === 'RS256'
      ? privateKey.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048
      : privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
  if (!fits) {
    throw new RangeError(`the private key does not fit ${key.algorithm} (RSA ≥ 2048 bits, or EC P-256)`);
  }
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' });
  const publicJwk: PublicJwk = { ...exported, kid: thumbprintOf(exported), alg: key.algorithm, use: 'sig' };
  return { signing: privateKey, verifying: publicKey, publicJwk };
}

/** RFC 7638 thumbprint: SHA-256 of the required members, in lexicographic order, as JSON. */
function thumbprintOf(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x', 'y'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The last second a token time may name: 9999-12-31T23:59:59Z, the end of a protobuf Timestamp. */
const MAX_TOKEN_TIME = 253_402_300_799;

// Times are whole seconds a Timestamp can carry (a WhoAmI answer holds them), and a token is
// not issued, nor valid from, later than `latest` (now plus the clock skew): jsonwebtoken checks
// `exp` and `nbf` against the clock but reads `iat` as it is.
function claimsFromPayload(payload: unknown, latest: number): AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) throw tokenInvalid();
  const { sub, roles, scope, jti, sid, iat, exp, nbf, iss, aud } = payload as Record<string, unknown>;
  const isString = (value: unknown): value is string => typeof value === 'string';
  const isTime = (value: unknown): value is number =>
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TOKEN_TIME;
  if (
    !(isString(sub) && isString(scope) && isString(jti) && isString(iss) && isString(aud)) ||
    !(isTime(iat) && isTime(exp) && iat <= latest && iat < exp) ||
    !(nbf === undefined || (isTime(nbf) && nbf <= latest)) ||
    !(Array.isArray(roles) && roles.every(isString)) ||
    !(sid === undefined || isString(sid))
  ) {
    throw tokenInvalid();
  }
  return Object.freeze({
    sub,
    roles: Object.freeze([...roles]),
    scope,
    jti,
    ...(sid === undefined ? {} : { sid }),
    iat,
    exp,
    iss,
    aud,
  });
}
