/** Types shared by the app, its plugins and routes (a separate file so routes do not import app.ts). */
import type { LoginStats } from '../broker/loginLimiter.ts';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { IngestStats } from '../ingest/syncRouter.ts';
import type { Logger } from '../platform.ts';
import type { AuditLog } from '../accounts/audit.ts';
import type { AuthConfig, LoginService } from '../accounts/login.ts';
import type { MemberService } from '../members/memberService.ts';
import type { Downlink } from '../downlink/downlink.ts';

/** Sends remote commands to points (the downlink). */
export type CommandSender = Pick<Downlink, 'sendCommand'>;
import type { OpeningRulesDocument } from '../../controller/contract/changes/openingRules.ts';
import type { LockerOpenCommandBody } from '../../controller/contract/commands/lockers.ts';

/** What the opening rules and parcel routes send to a point (downlink/downlink.ts implements it). */
export interface SiteDownlink {
  publishChange(siteId: string, kind: 'opening-rules', body: OpeningRulesDocument): Promise<{ version: number; id: string }>;
  sendCommand(siteId: string, kind: 'locker.open', body: LockerOpenCommandBody, ttlMs: number): Promise<{ id: string; expiresAt: number; session: number }>;
}
import type { MemberAccounts } from '../members/memberAccounts.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteDeps {
  db: Kysely<DB>;
  stats: () => IngestStats;
  mqttConnected: () => boolean;
  /** Embedded broker only: failed logins and locks. */
  loginStats?: (() => LoginStats) | undefined;
  now: () => number;
  logger: Logger;
  auth: AuthConfig;
  audit: AuditLog;
  login: LoginService;
  /** Null when the app was built without `members` (its routes then answer 503). */
  members: MemberService | null;
  /** Null when the app was built without `commands` (remote actions then answer 503). */
  commands: CommandSender | null;
  /** Null when the app was built without a downlink (opening rules saves and remote openings then answer 503). */
  downlink: SiteDownlink | null;
  /** Member account terms (same condition as `members`). */
  accounts: MemberAccounts | null;
}
