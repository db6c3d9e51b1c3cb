/**
 * The signed-in user's alarm e-mails: address, on/off, least severity, quiet hours (non-critical
 * alarms held and sent together afterwards; critical ones always at once), time zone, mail language.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ApiClient, type NotificationSettings } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { errorText } from '../errors.ts';

export function NotificationsPage(props: { api: ApiClient; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const [s, setS] = useState<NotificationSettings | null>(null);
  const [quiet, setQuiet] = useState({ on: false, start: '22:00', end: '06:00' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const fail = (e: unknown): void => {
    if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
    setError(errorText(t, lang, e, Date.now()));
  };
  const show = (v: NotificationSettings): void => {
    setS(v);
    setQuiet(v.quietHours ? { on: true, ...v.quietHours } : { on: false, start: '22:00', end: '06:00' });
  };

  useEffect(() => {
    props.api.notificationSettings().then(show, fail);
  }, [props.api]);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!s) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      show(await props.api.saveNotificationSettings({ ...s, quietHours: quiet.on ? { start: quiet.start, end: quiet.end } : null }));
      setSaved(true);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel settings" aria-labelledby="notifications-heading">
      <h1 id="notifications-heading">{t('notificationsHeading')}</h1>
      <p>{t('notificationsIntro')}</p>
      {s === null ? (
        <p role="status">{error ?? t('loading')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label class="checkbox">
            <input type="checkbox" checked={s.enabled} onChange={(e) => setS({ ...s, enabled: e.currentTarget.checked })} />
            {t('notifyEnabled')}
          </label>
          <label for="notify-email">{t('notifyEmail')}</label>
          <input id="notify-email" type="email" autocomplete="email" value={s.email} onInput={(e) => setS({ ...s, email: e.currentTarget.value })} />
          <label for="notify-severity">{t('notifyMinSeverity')}</label>
          <select
            id="notify-severity"
            value={s.minSeverity}
            onChange={(e) => setS({ ...s, minSeverity: e.currentTarget.value as NotificationSettings['minSeverity'] })}
          >
            <option value="critical">{t('notifyMinCritical')}</option>
            <option value="warning">{t('notifyMinWarning')}</option>
            <option value="info">{t('notifyMinInfo')}</option>
          </select>
          <label class="checkbox">
            <input type="checkbox" checked={quiet.on} onChange={(e) => setQuiet({ ...quiet, on: e.currentTarget.checked })} />
            {t('notifyQuiet')}
          </label>
          {quiet.on ? (
            <div class="row">
              <div>
                <label for="quiet-start">{t('notifyQuietStart')}</label>
                <input id="quiet-start" type="time" value={quiet.start} onInput={(e) => setQuiet({ ...quiet, start: e.currentTarget.value })} />
              </div>
              <div>
                <label for="quiet-end">{t('notifyQuietEnd')}</label>
                <input id="quiet-end" type="time" value={quiet.end} onInput={(e) => setQuiet({ ...quiet, end: e.currentTarget.value })} />
              </div>
            </div>
          ) : null}
          <label for="notify-tz">{t('notifyTimeZone')}</label>
          <input id="notify-tz" value={s.timeZone} onInput={(e) => setS({ ...s, timeZone: e.currentTarget.value })} />
          <label for="notify-lang">{t('notifyLanguage')}</label>
          <select id="notify-lang" value={s.language} onChange={(e) => setS({ ...s, language: e.currentTarget.value === 'en' ? 'en' : 'de' })}>
            <option value="de">{t('langDe')}</option>
            <option value="en">{t('langEn')}</option>
          </select>
          <div role="alert" class="message error" data-testid="notifications-error">
            {error ?? ''}
          </div>
          <div role="status" class="message info">
            {saved ? t('saved') : ''}
          </div>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('saving') : t('save')}
          </button>
        </form>
      )}
    </section>
  );
}
