/**
 * Who may publish and subscribe where: the same rules as docs/mosquitto/acl (pure functions).
 * - a site (username = siteId = clientId) publishes only `dorfpunkt/v1/<own>/up/...` and
 *   subscribes only under `dorfpunkt/v1/<own>/down/...`;
 * - a service account (username starting with '_', never a valid siteId) publishes
 *   `dorfpunkt/v1/<site>/down/...` and subscribes under `dorfpunkt/` (incl. `+` for all sites);
 * - nobody publishes or subscribes to `$SYS/...` or other `$` topics.
 */
import { isValidSiteId, TOPIC_PREFIX } from '../../controller/contract/sync/index.ts';

export type Principal = { kind: 'site'; siteId: string } | { kind: 'service'; username: string };

export const SERVICE_USERNAME_PATTERN = /^_[a-z0-9_-]{1,62}$/;

function levels(t: string): string[] {
  return t.split('/');
}

export function mayPublish(p: Principal, topic: string): boolean {
  if (topic.length === 0 || topic.startsWith('$') || topic.includes('+') || topic.includes('#')) return false;
  const l = levels(topic);
  if (p.kind === 'site') {
    return l.length === 5 && `${l[0]}/${l[1]}` === TOPIC_PREFIX && l[2] === p.siteId && l[3] === 'up' && l[4] !== '';
  }
  return l.length === 5 && `${l[0]}/${l[1]}` === TOPIC_PREFIX && isValidSiteId(l[2]) && l[3] === 'down' && l[4] !== '';
}

export function maySubscribe(p: Principal, filter: string): boolean {
  if (filter.length === 0 || filter.startsWith('$')) return false;
  const l = levels(filter);
  if (`${l[0]}/${l[1]}` !== TOPIC_PREFIX || l.length < 3) return false;
  if (p.kind === 'site') {
    // literal own site id and literal 'down'; after that any filter (e.g. '#', 'ack', '+').
    return l.length >= 5 && l[2] === p.siteId && l[3] === 'down';
  }
  return l[2] === '+' || isValidSiteId(l[2]);
}
