import type { EntityManager } from '@mikro-orm/core';
import { type Bus, defineTopic, type Subscription } from '../../platform/bus/index.ts';
import { TokenRevocationSchema } from './token-revocation.entity.ts';

/** A denied access-token handle: `jti:<jti>` or `sid:<refresh token family>`, until `expireAt` (ms). */
export interface RevokedHandle {
  handle: string;
  expireAt: number;
}

/** Options of {@link createTokenRevocations}. */
export interface TokenRevocationsOptions {
  em: () => EntityManager;
  /** Tells the other replicas; the shared state's bus. */
  bus: Bus;
  /** Wall clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * The access tokens revoked before they expire. The database row makes a revocation survive a
 * restart; the bus carries it to every replica at once; each replica answers {@link isRevoked}
 * from memory, so the check on every call costs a map lookup, never a query.
 */
export interface TokenRevocations {
  /** Loads the live rows and starts listening to other replicas. Call once before serving. */
  start(): Promise<void>;
  /** Whether a token with this `jti` (and refresh-token family `sid`) is revoked. */
  isRevoked(jti: string, sid: string | undefined): boolean;
  /** Stores and announces revocations; resolves once they are stored. */
  revoke(handles: readonly RevokedHandle[]): Promise<void>;
  close(): Promise<void>;
}

const REVOCATIONS_TOPIC = defineTopic<RevokedHandle[]>('auth.token-revocations');

/** Creates the revocation list of one process. */
export function createTokenRevocations(options: TokenRevocationsOptions): TokenRevocations {
  const { em, bus } = options;
  const now = options.now ?? Date.now;
  const live = new Map<string, number>();
  let subscription: Subscription | undefined;

  const remember = (handles: readonly RevokedHandle[]) => {
    const at = now();
    for (const [handle, expireAt] of live) if (expireAt <= at) live.delete(handle);
    for (const { handle, expireAt } of handles) if (expireAt > at) live.set(handle, expireAt);
  };

  return {
    async start() {
      subscription = await bus.subscribe(REVOCATIONS_TOPIC, (handles) => remember(handles));
      const rows = await em().find(TokenRevocationSchema, { expireTime: { $gt: new Date(now()) } });
      remember(rows.map((row) => ({ handle: row.handle, expireAt: row.expireTime.getTime() })));
    },
    isRevoked(jti, sid) {
      if (live.size === 0) return false;
      const at = now();
      const byJti = live.get(`jti:${jti}`);
      if (byJti !== undefined && byJti > at) return true;
      if (sid === undefined) return false;
      const bySid = live.get(`sid:${sid}`);
      return bySid !== undefined && bySid > at;
    },
    async revoke(handles) {
      if (handles.length === 0) return;
      remember(handles);
      const manager = em();
      await manager.nativeDelete(TokenRevocationSchema, { expireTime: { $lte: new Date(now()) } });
      for (const { handle, expireAt } of handles) {
        await manager.upsert(TokenRevocationSchema, { handle, expireTime: new Date(expireAt) });
      }
      await bus.publish(REVOCATIONS_TOPIC, [...handles]);
    },
    async close() {
      await subscription?.unsubscribe();
    },
  };
}
