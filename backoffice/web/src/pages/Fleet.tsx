/**
 * The fleet: one card per point (presence and last seen, open alarms by severity, door, fridges,
 * lockers, backlog), reloaded every 3 s. A single column on a phone, a grid on a laptop. A
 * summary line above the cards counts points online/offline and critical alarms across the fleet.
 */
import type { ApiClient, FleetSite } from '../api.ts';
import { useI18n, type Lang, type T } from '../i18n.ts';
import { ago, celsius, clockTime } from '../format.ts';
import { usePolling, useSessionGuard } from '../usePolling.ts';
import { errorText } from '../errors.ts';
import { lockerSummary } from '../lockerSummary.ts';
import { RequestsPanel } from '../requests/RequestsPanel.tsx';

export const REFRESH_MS = 3000;

export function FleetPage(props: { api: ApiClient; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const polled = usePolling(() => props.api.fleet(), REFRESH_MS, [props.api]);
  useSessionGuard(polled.error, props.onSessionEnded);
  const failed = polled.error !== null;
  const now = Date.now();
  return (
    <section aria-labelledby="fleet-heading">
      <h1 id="fleet-heading">{t('fleetHeading')}</h1>
      <RequestsPanel api={props.api} onSessionEnded={props.onSessionEnded} />
      <p class="status-line" role="status" data-testid="fleet-status">
        {failed && polled.loadedAt !== null
          ? t('connectionLost', { time: clockTime(lang, polled.loadedAt) })
          : failed
            ? errorText(t, lang, polled.error, now)
            : polled.loadedAt !== null
              ? t('updatedAt', { time: clockTime(lang, polled.loadedAt) })
              : t('loading')}
      </p>
      {polled.data && polled.data.sites.length === 0 ? <p>{t('fleetEmpty')}</p> : null}
      {polled.data && polled.data.sites.length > 0 ? <FleetSummary sites={polled.data.sites} t={t} /> : null}
      {polled.data ? (
        <ul class="fleet" data-testid="fleet">
          {polled.data.sites.map((s) => (
            <li key={s.siteId}>
              <SiteCard site={s} t={t} lang={lang} now={now} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function FleetSummary({ sites, t }: { sites: readonly FleetSite[]; t: T }) {
  const count = (status: string): number => sites.filter((s) => s.presence.status === status).length;
  const critical = sites.reduce((n, s) => n + s.alarms.critical, 0);
  return (
    <p class="fleet-summary" data-testid="fleet-summary">
      {t('fleetSummary', { total: sites.length, online: count('online'), offline: count('offline') })}
      {' · '}
      <span class={critical > 0 ? 'count critical' : 'count'}>
        {critical === 0 ? t('fleetCriticalNone') : critical === 1 ? t('fleetCriticalOne') : t('fleetCritical', { n: critical })}
      </span>
    </p>
  );
}

function SiteCard({ site, t, lang, now }: { site: FleetSite; t: T; lang: Lang; now: number }) {
  const status = site.presence.status === 'online' ? 'online' : site.presence.status === 'offline' ? 'offline' : 'unknownStatus';
  const openAlarms = site.alarms.critical + site.alarms.warning + site.alarms.info;
  return (
    <article class="card" data-testid={`site-${site.siteId}`} aria-labelledby={`site-${site.siteId}-name`}>
      <header class="card-head">
        <h2 id={`site-${site.siteId}-name`}>{site.name ?? site.siteId}</h2>
        <span class={`badge ${status}`} data-testid="presence">
          {t(status)}
        </span>
      </header>
      <p class="muted" data-testid="last-seen">
        {site.name !== null ? <span data-testid="site-id">{site.siteId} · </span> : null}
        {site.presence.lastSeenAt !== null ? t('lastSeen', { ago: ago(t, site.presence.lastSeenAt, now) }) : t('neverSeen')}
      </p>
      {site.diverged ? <p class="message warn">{t('diverged')}</p> : null}
      <dl class="facts">
        <dt>{t('openAlarms')}</dt>
        <dd data-testid="alarms">
          <span class={site.alarms.critical > 0 ? 'count critical' : 'count'} data-testid="alarms-critical">
            {site.alarms.critical} {t('critical')}
          </span>
          {', '}
          <span class={site.alarms.warning > 0 ? 'count warning' : 'count'}>
            {site.alarms.warning} {t('warning')}
          </span>
          {', '}
          <span class="count">
            {site.alarms.info} {t('info')}
          </span>
          {site.alarms.unacknowledged > 0 ? <span class="muted"> ({t('unacknowledged', { n: site.alarms.unacknowledged })})</span> : null}
        </dd>
        <dt>{t('door')}</dt>
        <dd data-testid="door">
          {site.door === null ? t('doorUnknown') : t(site.door.state === 'open' ? 'doorOpen' : site.door.state === 'closed' ? 'doorClosed' : 'doorUnknown')}
          {site.door?.fire ? <strong class="flag critical"> · {t('doorFire')}</strong> : null}
          {site.door?.faulted ? <strong class="flag warning"> · {t('doorFaulted')}</strong> : null}
        </dd>
        <dt>{t('fridges')}</dt>
        <dd data-testid="fridges">
          {site.fridges.length === 0 ? (
            t('noFridges')
          ) : (
            <ul class="plain">
              {site.fridges.map((f) => (
                <li key={f.fridgeId}>
                  {f.name ?? f.fridgeId}: {f.tenths !== null ? celsius(lang, f.tenths) : t('fridgeNoReading')}
                  {f.limitTenths !== null ? <span class="muted"> ({t('fridgeLimit', { limit: celsius(lang, f.limitTenths) })})</span> : null}
                  {f.above ? <strong class="flag warning"> · {t('fridgeAbove')}</strong> : null}
                  {f.blocked ? <strong class="flag critical"> · {t('fridgeBlocked')}</strong> : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t('lockers')}</dt>
        <dd data-testid="lockers">
          {lockerSummary(t, site.lockers)}
          {site.lockers.outOfService > 0 ? <span> · {t('lockersOut', { n: site.lockers.outOfService })}</span> : null}
          {site.lockers.uncollected > 0 ? <span> · {t('lockersUncollected', { n: site.lockers.uncollected })}</span> : null}
        </dd>
        <dt>{t('backlog')}</dt>
        <dd data-testid="backlog">
          {/* missing: what the point had at its last connect and the backoffice has not stored yet; it shrinks as events arrive. */}
          {site.sync.missing === null ? t('backlogUnknown') : site.sync.missing === 0 ? t('backlogNone') : t('backlogMissing', { n: site.sync.missing })}
          {site.sync.lastBatchAt !== null ? <span class="muted"> ({t('lastBatch', { ago: ago(t, site.sync.lastBatchAt, now) })})</span> : null}
        </dd>
      </dl>
      <a class="button" href={`#/sites/${encodeURIComponent(site.siteId)}/alarms`} data-testid="alarms-link">
        {t('showAlarms', { site: site.name ?? site.siteId })}
        {openAlarms > 0 ? ` (${openAlarms})` : ''}
      </a>
    </article>
  );
}
