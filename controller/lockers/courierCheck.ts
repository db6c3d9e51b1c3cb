/**
 * The drop-off credential check: a DP1 token (controller/access/token.ts) signed by the
 * backoffice, role courier, not revoked, valid on trusted time. Unlike the door's decision it
 * applies no opening rules and no replay window (a courier drops several parcels in a row).
 */
import type { KeyObject } from 'node:crypto';
import { verifyToken } from '../access/token.ts';
import type { CourierCheck, CourierVerifier, TimeSource } from './ports.ts';

const SKEW_MS = 5 * 60_000;

export function tokenCourierVerifier(deps: { publicKey: KeyObject; isRevoked: (credentialId: string) => boolean; time: TimeSource }): CourierVerifier {
  return {
    verify(token: unknown): CourierCheck {
      const v = verifyToken(token, deps.publicKey);
      if (!v.ok) return { ok: false, reason: v.reason };
      const c = v.claims;
      const who = { credentialId: c.credentialId, role: c.role };
      if (deps.isRevoked(c.credentialId)) return { ok: false, reason: 'revoked', ...who };
      const now = deps.time.now();
      if (c.issuedAt * 1000 > now + SKEW_MS) return { ok: false, reason: 'not-yet-valid', ...who };
      if (now >= c.expiresAt * 1000) return { ok: false, reason: 'expired', ...who };
      if (c.role !== 'courier') return { ok: false, reason: 'not-a-courier', ...who };
      return { ok: true, courierId: c.memberId, credentialId: c.credentialId };
    },
  };
}
