/**
 * A point's alarms (open ones first, by severity), reloaded every 3 s: acknowledge, comment and
 * close each; the comments under it. Closing does not end the condition: an alarm the point still
 * reports stays listed as active.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Alarm, type ApiClient } from '../api.ts';
import { alarmKindText, useI18n, type Lang, type T } from '../i18n.ts';
import { clockTime, dateTime } from '../format.ts';
import { usePolling, useSessionGuard } from '../usePolling.ts';
import { errorText } from '../errors.ts';
import { REFRESH_MS } from './Fleet.tsx';

export function AlarmsPage(props: { api: ApiClient; siteId: string; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  // Bumped after each action: the list reloads at once.
  const [version, setVersion] = useState(0);
  const polled = usePolling(() => props.api.alarms(props.siteId), REFRESH_MS, [props.api, props.siteId, version]);
  useSessionGuard(polled.error, props.onSessionEnded);
  // What an action's answer says is shown at once, until a load from after it arrives.
  const [changed, setChanged] = useState<Record<number, { operator: Alarm['operator']; at: number }>>({});
  const unknown = polled.error instanceof ApiError && polled.error.status === 404;
  const alarms = (polled.data?.alarms ?? []).map((a) => {
    const mine = changed[a.id];
    return mine && (polled.loadedAt ?? 0) < mine.at ? { ...a, operator: mine.operator } : a;
  });
  const closed = (a: Alarm): boolean => !a.active && a.operator.cleared !== null;
  const item = (a: Alarm) => (
    <AlarmItem
      key={`${a.id}`}
      alarm={a}
      api={props.api}
      siteId={props.siteId}
      t={t}
      lang={lang}
      onChanged={(op) => {
        setChanged((c) => ({ ...c, [a.id]: { operator: op, at: Date.now() } }));
        setVersion((v) => v + 1);
      }}
      onSessionEnded={props.onSessionEnded}
    />
  );
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
        alarms.length === 0 ? (
          <p>{t('alarmsEmpty')}</p>
        ) : (
          <>
            <ul class="alarms" data-testid="alarm-list">
              {alarms.filter((a) => !closed(a)).map(item)}
            </ul>
            {alarms.some(closed) ? (
              <>
                <h2>{t('closedAlarms')}</h2>
                <ul class="alarms" data-testid="closed-alarm-list">
                  {alarms.filter(closed).map(item)}
                </ul>
              </>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}

interface ItemProps {
  alarm: Alarm;
  api: ApiClient;
  siteId: string;
  t: T;
  lang: Lang;
  onChanged: (op: Alarm['operator']) => void;
  onSessionEnded: () => void;
}

function AlarmItem({ alarm, api, siteId, t, lang, onChanged, onSessionEnded }: ItemProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [text, setText] = useState('');
  const kind = alarmKindText(lang, alarm.source, alarm.kind);
  const title = kind ?? `${alarm.source}: ${alarm.kind}`;
  const op = alarm.operator;
  const point =
    alarm.state === 'cleared' && alarm.cleared
      ? t('alarmStateCleared', { time: dateTime(lang, alarm.cleared.at) })
      : alarm.state === 'acked' && alarm.acked
        ? t('alarmStateAcked', { by: alarm.acked.by })
        : t('alarmStateOpen');

  const run = async (what: () => Promise<Alarm['operator']>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      onChanged(await what());
      setDone(t('actionDone'));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSessionEnded();
      setError(errorText(t, lang, e, Date.now()));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const acknowledge = () => run(async () => (await api.acknowledgeAlarm(siteId, alarm.id)).operator);
  const clear = () => run(async () => (await api.clearAlarm(siteId, alarm.id)).operator);
  const comment = async (e: Event): Promise<void> => {
    e.preventDefault();
    const ok = await run(async () => {
      const c = await api.commentAlarm(siteId, alarm.id, text);
      return { ...op, comments: [...op.comments, c] };
    });
    if (ok) setText('');
  };
  const commentId = `comment-${alarm.id}`;
  return (
    <li class={`alarm ${alarm.state}`} data-testid={`alarm-${alarm.id}`} aria-label={title}>
      <span class={`badge ${alarm.severity}`}>{t(alarm.severity)}</span>
      <div class="alarm-body">
        <strong>{title}</strong>
        {/* The point's own words (English) when the UI has none, or as detail. */}
        <span class="muted" lang="en">
          {' '}
          · {alarm.reason}
        </span>
        <br />
        <span>{t('alarmSince', { time: dateTime(lang, alarm.since) })}</span> · <span>{point}</span> ·{' '}
        <span class={alarm.active ? 'flag critical' : ''}>{alarm.active ? t('alarmActive') : t('alarmConditionGone')}</span>
        {op.acknowledged ? (
          <p class="op" data-testid="acked-by">
            {t('alarmAckedBy', { by: op.acknowledged.byName, time: dateTime(lang, op.acknowledged.at) })}
          </p>
        ) : null}
        {op.cleared ? (
          <p class="op" data-testid="cleared-by">
            {t('alarmClearedBy', { by: op.cleared.byName, time: dateTime(lang, op.cleared.at) })}
          </p>
        ) : null}
        {op.comments.length > 0 ? (
          <>
            <h3 class="comments-heading">{t('commentsHeading')}</h3>
            <ul class="comments" data-testid="comments">
              {op.comments.map((c) => (
                <li key={c.id}>
                  <span class="muted">{t('commentBy', { by: c.authorName, time: dateTime(lang, c.at) })}</span>
                  <br />
                  {c.text}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <div class="actions">
          {op.acknowledged === null && op.cleared === null ? (
            <button type="button" disabled={busy} onClick={() => void acknowledge()}>
              {t('acknowledge')}
            </button>
          ) : null}
          {op.cleared === null ? (
            <button type="button" disabled={busy} onClick={() => void clear()}>
              {t('clearAlarm')}
            </button>
          ) : null}
        </div>
        <form class="comment-form" onSubmit={(e) => void comment(e)} noValidate>
          <label for={commentId}>{t('commentLabel')}</label>
          <textarea id={commentId} rows={2} maxLength={1000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" disabled={busy}>
            {t('addComment')}
          </button>
        </form>
        <div role="alert" class="message error">
          {error ?? ''}
        </div>
        <div role="status" class="message info">
          {done ?? ''}
        </div>
      </div>
    </li>
  );
}
