/** Schemas of the fleet overview and a site's alarms (read models of backoffice/projections), importable by the UI. */
import { Type, type Static } from 'typebox';
import { Nullable } from './common.ts';
import { OperatorDataView } from './alarms.ts';

const N = Type.Number();
const Severity = Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]);
const AlarmState = Type.Union([Type.Literal('open'), Type.Literal('acked'), Type.Literal('cleared')]);

export const FleetSite = Type.Object(
  {
    siteId: Type.String(),
    /** The operator's name for the point (null: not named). */
    name: Nullable(Type.String()),
    presence: Type.Object({ status: Type.String(), lastSeenAt: Nullable(N) }),
    /** The point's ledger was replaced: its events are held until an operator resolves it. */
    diverged: Type.Boolean(),
    /** Alarms not cleared (open or acknowledged), by severity; `unacknowledged` counts those nobody took note of. */
    alarms: Type.Object({ critical: N, warning: N, info: N, unacknowledged: N }),
    door: Nullable(
      Type.Object({
        state: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('unknown')]),
        changedAt: N,
        fire: Type.Boolean(),
        faulted: Type.Boolean(),
      }),
    ),
    /**
     * Temperatures in tenths of °C (42 = 4.2 °C). Once the point reported its fridges
     * (`fridgesReported`), exactly those, with name, product group and limit from the first sync;
     * before, the fridges it sent events for (the limit known once one was crossed).
     */
    fridgesReported: Type.Boolean(),
    fridges: Type.Array(
      Type.Object({
        fridgeId: Type.String(),
        /** The point's name for the fridge (null until the point reported its fridges). */
        name: Nullable(Type.String()),
        productGroup: Nullable(Type.String()),
        tenths: Nullable(N),
        readAt: Nullable(N),
        limitTenths: Nullable(N),
        above: Type.Boolean(),
        blocked: Type.Boolean(),
        blockedSince: Nullable(N),
      }),
    ),
    /**
     * `reported`: the point reported its compartments, `compartments` is its real total (every
     * compartment, free until an event says otherwise); otherwise only the compartments it sent
     * events for are counted.
     */
    lockers: Type.Object({ reported: Type.Boolean(), compartments: N, free: N, reserved: N, occupied: N, outOfService: N, uncollected: N }),
    /** What the backoffice has of the point's ledger, and what the point reported as still to send. */
    sync: Type.Object({ upTo: N, lastBatchAt: Nullable(N), pending: Nullable(N), missing: Nullable(N) }),
  },
  { additionalProperties: false },
);
export type FleetSiteBody = Static<typeof FleetSite>;

export const FleetView = Type.Object({ sites: Type.Array(FleetSite) }, { additionalProperties: false });
export type FleetViewBody = Static<typeof FleetView>;

export const AlarmView = Type.Object(
  {
    /** The alarm's id within its site: the seq of the event that raised it. */
    id: N,
    key: Type.String(),
    source: Type.String(),
    kind: Type.String(),
    severity: Severity,
    /** The point's words (English); the UI translates by source/kind. */
    reason: Type.String(),
    state: AlarmState,
    since: N,
    raisedAt: N,
    acked: Nullable(Type.Object({ by: Type.String(), at: N })),
    cleared: Nullable(Type.Object({ at: N, reason: Type.String() })),
    /** The point still reports the condition (its state is not `cleared`). */
    active: Type.Boolean(),
    /** What operators did in the backoffice (acknowledged, cleared, comments). */
    operator: OperatorDataView,
  },
  { additionalProperties: false },
);
export type AlarmViewBody = Static<typeof AlarmView>;

/**
 * Open ones first (critical before warning before info, newest first), then closed ones (condition
 * gone and cleared by an operator), newest first.
 */
export const SiteAlarms = Type.Object({ siteId: Type.String(), alarms: Type.Array(AlarmView) }, { additionalProperties: false });
export type SiteAlarmsBody = Static<typeof SiteAlarms>;
