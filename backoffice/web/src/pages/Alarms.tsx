/** A point's alarms (not cleared first, by severity), reloaded every 3 s. */
import { ApiError, type Alarm, type ApiClient } from '../api.ts';
import { alarmKindText, useI18n, type Lang, type T } from '../i18n.ts';
import { clockTime, dateTime } from '../format.ts';
import { usePolling, useSessionGuard } from '../usePolling.ts';
import { errorText } from '../errors.ts';
import { REFRESH_MS } from './Fleet.tsx';

export function AlarmsPage(props: { api: ApiClient; siteId: string; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const polled = usePolling(() => props.api.alarms(props.siteId), REFRESH_MS, [props.api, props.siteId]);
  useSessionGuard(polled.error, props.onSessionEnded);
  const unknown = polled.error instanceof ApiError && polled.error.status === 404;
  return (
    <section aria-labelledby="alarms-heading">
      <p>
        <a class="button" href="#/">
          ← {t('backToFleet')}
        </a>
      </p>
      <h1 id="alarms-heading">{t('alarmsHeading', { site: props.siteId })}</h1>
      <p class="status-line" role="status">
        {unknown
          ? t('unknownSite')
          : polled.error !== null && polled.loadedAt !== null
            ? t('connectionLost', { time: clockTime(lang, polled.loadedAt) })
            : polled.error !== null
              ? errorText(t, lang, polled.error, Date.now())
              : polled.loadedAt !== null
                ? t('updatedAt', { time: clockTime(lang, polled.loadedAt) })
                : t('loading')}
      </p>
      {polled.data && !unknown ? (
        polled.data.alarms.length === 0 ? (
          <p>{t('alarmsEmpty')}</p>
        ) : (
          <ul class="alarms" data-testid="alarm-list">
            {polled.data.alarms.map((a) => (
              <AlarmItem key={a.key} alarm={a} t={t} lang={lang} />
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

function AlarmItem({ alarm, t, lang }: { alarm: Alarm; t: T; lang: Lang }) {
  const kind = alarmKindText(lang, alarm.source, alarm.kind);
  const state =
    alarm.state === 'cleared' && alarm.cleared
      ? t('alarmStateCleared', { time: dateTime(lang, alarm.cleared.at) })
      : alarm.state === 'acked' && alarm.acked
        ? t('alarmStateAcked', { by: alarm.acked.by })
        : t('alarmStateOpen');
  return (
    <li class={`alarm ${alarm.state}`}>
      <span class={`badge ${alarm.severity}`}>{t(alarm.severity)}</span>
      <div>
        <strong>{kind ?? `${alarm.source}: ${alarm.kind}`}</strong>
        {/* The point's own words (English) when the UI has none, or as detail. */}
        <span class="muted" lang="en">
          {' '}
          · {alarm.reason}
        </span>
        <br />
        <span>{t('alarmSince', { time: dateTime(lang, alarm.since) })}</span> · <span>{state}</span>
      </div>
    </li>
  );
}
