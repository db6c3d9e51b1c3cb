/**
 * MQTT topic contract between a point (site) and the backoffice.
 *
 *   dorfpunkt/v1/<siteId>/up/<kind>     point -> backoffice
 *   dorfpunkt/v1/<siteId>/down/<kind>   backoffice -> point
 *
 * A point may publish only `dorfpunkt/v1/<own siteId>/up/#` and subscribe only
 * `dorfpunkt/v1/<own siteId>/down/#`; both brokers (embedded Aedes, Mosquitto) enforce it.
 * There is no separate resend topic: a resend request travels in `down/ack` as `resendFrom`.
 */

export const TOPIC_ROOT = 'dorfpunkt';
export const PROTOCOL_VERSION = 'v1';
export const TOPIC_PREFIX = `${TOPIC_ROOT}/${PROTOCOL_VERSION}`;

/** Site ids: lowercase letters, digits and '-', 2-63 chars, not starting with '-'. Safe as MQTT username and topic level. */
export const SITE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
const SITE_ID_RE = new RegExp(SITE_ID_PATTERN);

export function isValidSiteId(siteId: unknown): siteId is string {
  return typeof siteId === 'string' && SITE_ID_RE.test(siteId);
}

export const UP_KINDS = ['events', 'state', 'applied', 'command-results'] as const;
export const DOWN_KINDS = ['ack', 'changes', 'commands'] as const;
export type UpKind = (typeof UP_KINDS)[number];
export type DownKind = (typeof DOWN_KINDS)[number];
export type MessageKind = UpKind | DownKind;
export type Direction = 'up' | 'down';

export function directionOf(kind: MessageKind): Direction {
  return (UP_KINDS as readonly string[]).includes(kind) ? 'up' : 'down';
}

/**
 * QoS per message kind: QoS 1 (exactly-once comes from idempotence, not from QoS 2), except
 * `commands`: QoS 0, "now or never". A QoS 1 publish is kept by the MQTT client while its
 * connection is down and sent after the reconnect, so a door release could fire late; a command
 * is only sent over a live connection to a point known online, and a lost one is simply sent again
 * by the operator (it carries the point's session, so an old copy is refused anyway).
 */
export const QOS: Record<MessageKind, 0 | 1> = {
  events: 1,
  state: 1,
  applied: 1,
  'command-results': 1,
  ack: 1,
  changes: 1,
  commands: 0,
};

/** Only the birth/state message (and its Last Will) is retained. */
export const RETAINED: Record<MessageKind, boolean> = {
  events: false,
  state: true,
  applied: false,
  'command-results': false,
  ack: false,
  changes: false,
  commands: false,
};

export class InvalidSiteIdError extends Error {
  constructor(siteId: unknown) {
    super(`invalid siteId ${JSON.stringify(siteId)}: must match ${SITE_ID_PATTERN}`);
    this.name = 'InvalidSiteIdError';
  }
}

/** Build the topic for one site and kind. Throws InvalidSiteIdError for a bad id (a programming error at this point). */
export function topicFor(siteId: string, kind: MessageKind): string {
  if (!isValidSiteId(siteId)) throw new InvalidSiteIdError(siteId);
  return `${TOPIC_PREFIX}/${siteId}/${directionOf(kind)}/${kind}`;
}

export const topics = {
  upEvents: (siteId: string): string => topicFor(siteId, 'events'),
  upState: (siteId: string): string => topicFor(siteId, 'state'),
  upApplied: (siteId: string): string => topicFor(siteId, 'applied'),
  upCommandResults: (siteId: string): string => topicFor(siteId, 'command-results'),
  downAck: (siteId: string): string => topicFor(siteId, 'ack'),
  downChanges: (siteId: string): string => topicFor(siteId, 'changes'),
  downCommands: (siteId: string): string => topicFor(siteId, 'commands'),
  /** What a point subscribes to: everything addressed to it. */
  downAll: (siteId: string): string => {
    if (!isValidSiteId(siteId)) throw new InvalidSiteIdError(siteId);
    return `${TOPIC_PREFIX}/${siteId}/down/#`;
  },
  /** What the backoffice subscribes to for one kind, all sites: `dorfpunkt/v1/+/up/<kind>`. */
  allSites: (kind: UpKind): string => `${TOPIC_PREFIX}/+/up/${kind}`,
  /** Shared-subscription form: `$share/<group>/dorfpunkt/v1/+/up/<kind>`. */
  shared: (group: string, kind: UpKind): string => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(group)) throw new Error(`invalid shared subscription group ${JSON.stringify(group)}`);
    return `$share/${group}/${TOPIC_PREFIX}/+/up/${kind}`;
  },
};

export interface ParsedTopic {
  version: typeof PROTOCOL_VERSION;
  siteId: string;
  direction: Direction;
  kind: MessageKind;
}

export type TopicParseResult = { ok: true; value: ParsedTopic } | { ok: false; error: string };

/** Parse a concrete topic. Never throws; refuses other roots, unknown versions, bad site ids and kinds. */
export function parseTopic(topic: unknown): TopicParseResult {
  if (typeof topic !== 'string') return { ok: false, error: 'topic is not a string' };
  const parts = topic.split('/');
  if (parts.length !== 5) return { ok: false, error: `topic ${JSON.stringify(topic)} does not have 5 levels` };
  const [root, version, siteId, direction, kind] = parts as [string, string, string, string, string];
  if (root !== TOPIC_ROOT) return { ok: false, error: `topic root ${JSON.stringify(root)} is not ${TOPIC_ROOT}` };
  if (version !== PROTOCOL_VERSION) return { ok: false, error: `unsupported protocol version ${JSON.stringify(version)}` };
  if (!isValidSiteId(siteId)) return { ok: false, error: `invalid siteId ${JSON.stringify(siteId)}` };
  if (direction === 'up') {
    if (!(UP_KINDS as readonly string[]).includes(kind)) return { ok: false, error: `unknown up kind ${JSON.stringify(kind)}` };
  } else if (direction === 'down') {
    if (!(DOWN_KINDS as readonly string[]).includes(kind)) return { ok: false, error: `unknown down kind ${JSON.stringify(kind)}` };
  } else {
    return { ok: false, error: `unknown direction ${JSON.stringify(direction)}` };
  }
  return { ok: true, value: { version: PROTOCOL_VERSION, siteId, direction, kind: kind as MessageKind } };
}
