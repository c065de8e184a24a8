import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../platform/log/index.ts';
import type { AccessTokenKey } from './access-token.ts';

/** Where the signing key comes from: the `HCS_*` settings that name it. */
export interface SigningKeySource {
  /** `HCS_SECRET_KEY`: the HS256 secret, at least 32 bytes. */
  secretKey: string | undefined;
  /** `HCS_JWT_PRIVATE_KEY_FILE`: a PEM private key (RSA ≥ 2048 bits → RS256, EC P-256 → ES256). */
  privateKeyFile: string | undefined;
  /** Where a generated secret is kept when neither is set. */
  dataDir: string;
}

/** Name of the generated secret in the data directory. */
export const GENERATED_SECRET_FILE = 'secret.key';

/**
 * The key access tokens are signed with: the private key file if configured, else
 * `HCS_SECRET_KEY`, else a 64-byte random secret generated once into `<dataDir>/secret.key`
 * (mode 0600) and read back on later starts, so tokens survive a restart. Throws an Error with
 * the setting's name when the material cannot be used.
 */
export function resolveSigningKey(source: SigningKeySource, logger: Logger): AccessTokenKey {
  if (source.privateKeyFile !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(source.privateKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`HCS_JWT_PRIVATE_KEY_FILE cannot be read: ${(error as Error).message}`);
    }
    let privateKey: ReturnType<typeof createPrivateKey>;
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      throw new Error('HCS_JWT_PRIVATE_KEY_FILE does not hold a PEM private key');
    }
    const algorithm = privateKey.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
    return { algorithm, privateKey };
  }
  if (source.secretKey !== undefined) {
    if (Buffer.byteLength(source.secretKey, 'utf8') < 32) {
      throw new Error('HCS_SECRET_KEY must be at least 32 bytes (RFC 7518 §3.2); use a random string');
    }
    return { algorithm: 'HS256', secret: source.secretKey };
  }
  return { algorithm: 'HS256', secret: generatedSecret(source.dataDir, logger) };
}

function generatedSecret(dataDir: string, logger: Logger): Buffer {
  const path = join(dataDir, GENERATED_SECRET_FILE);
  try {
    // `wx` fails when the file exists, so two processes starting together keep one secret.
    writeFileSync(path, randomBytes(64).toString('base64url'), { flag: 'wx', mode: 0o600 });
    logger.info(
      { path },
      'generated the token signing secret (set HCS_SECRET_KEY to share one between replicas)',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    logger.warn({ path }, 'the token signing secret was readable by others; restricting it to mode 0600');
    chmodSync(path, 0o600);
  }
  const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
  if (secret.length < 32)
    throw new Error(`${path} holds fewer than 32 bytes of secret; delete it to generate a new one`);
  return secret;
}
