/**
 * Backoffice roles and the remote actions each may trigger. The second factor (TOTP) is required
 * for exactly the roles that may release a door or open a compartment remotely: it is derived
 * from REMOTE_ACTIONS, so granting a role a remote action makes TOTP mandatory for it.
 */
import type { Role } from '../db/schema.ts';

export type { Role };

export const ROLES: readonly Role[] = ['admin', 'operator', 'technician', 'accountant'];

/**
 * Remote actions on a point (sent as downlink commands). Technicians open compartments while
 * installing and testing locker banks, so they count as remote-capable too; accountants never.
 */
export const REMOTE_ACTIONS = {
  'door.release': ['admin', 'operator'],
  'locker.open': ['admin', 'operator', 'technician'],
  // Approving a beer sale for the customer at the kiosk (a remote age check).
  'age-check.decide': ['admin', 'operator'],
} as const satisfies Record<string, readonly Role[]>;

export type RemoteAction = keyof typeof REMOTE_ACTIONS;

export function mayPerform(role: Role, action: RemoteAction): boolean {
  return (REMOTE_ACTIONS[action] as readonly Role[]).includes(role);
}

/** True when the role may trigger any remote action, hence must sign in with TOTP. */
export function totpRequired(role: Role): boolean {
  return Object.values(REMOTE_ACTIONS).some((roles) => (roles as readonly Role[]).includes(role));
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
