/**
 * Parcels lying in a point's compartments, the uncollected ones flagged, and taking one back: the
 * compartment opens remotely (a `locker.open` command that expires in a minute; the API checks the
 * role and the session's second factor and audits it) after confirming with a reason.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api.ts';
import { operationsApi, type Parcel } from '../operationsApi.ts';
import { errorText } from '../errors.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { clockTime } from '../format.ts';
import { SitePicker } from '../components/SitePicker.tsx';
import '../operations.css';

const OPEN_ERRORS: Record<string, MessageKey> = {
  'site-not-online': 'openErrOffline',
  'broker-disconnected': 'openErrBroker',
  'totp-required': 'openErrTotp',
  forbidden: 'openErrRole',
  'no-parcel': 'openErrNoParcel',
};

export function ParcelsPage(props: { api: ApiClient; siteId: string | null; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const ops = useMemo(() => operationsApi(props.api), [props.api]);
  const [sites, setSites] = useState<string[] | null>(null);
  const [parcels, setParcels] = useState<Parcel[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (e: unknown): void => {
    if (e instanceof ApiError && e.status === 401) return props.onSessionEnded();
    const key = e instanceof ApiError ? OPEN_ERRORS[e.code] : undefined;
    setError(key ? t(key) : errorText(t, lang, e, Date.now()));
  };
  const load = async (): Promise<void> => {
    if (props.siteId === null) return;
    try {
      setParcels(await ops.parcels(props.siteId));
    } catch (e) {
      fail(e);
    }
  };
  useEffect(() => {
    ops.sites().then(setSites, fail);
  }, [ops]);
  useEffect(() => {
    setParcels(null);
    setNotice(null);
    setError(null);
    void load();
  }, [ops, props.siteId]);

  const open = async (ev: Event, p: Parcel): Promise<void> => {
    ev.preventDefault();
    if (props.siteId === null) return;
    setError(null);
    setNotice(null);
    if (reason.trim() === '') {
      setError(t('openErrReason'));
      return;
    }
    setBusy(true);
    try {
      const r = await ops.openCompartment(props.siteId, p.compartment, reason.trim());
      setConfirming(null);
      setNotice(t('openSent', { compartment: p.compartment, time: clockTime(lang, r.expiresAt) }));
      await load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="parcels-heading" class="operations">
      <h1 id="parcels-heading">{props.siteId ? t('parcelsHeadingSite', { site: props.siteId }) : t('parcelsHeading')}</h1>
      <SitePicker sites={sites} siteId={props.siteId} page="parcels" />
      <div role="alert" class="message error" data-testid="parcels-error">
        {error ?? ''}
      </div>
      <div role="status" class="message info" data-testid="parcels-notice">
        {notice ?? ''}
      </div>
      {props.siteId !== null && parcels === null ? <p role="status">{t('loading')}</p> : null}
      {parcels !== null && parcels.length === 0 ? <p>{t('parcelsEmpty')}</p> : null}
      {parcels !== null && parcels.length > 0 ? (
        <ul class="plain parcel-list" data-testid="parcel-list">
          {parcels.map((p) => (
            <li key={p.compartment} class="card" data-testid={`parcel-${p.compartment}`}>
              <p>
                <strong>{t('parcelCompartment', { compartment: p.compartment })}</strong> · {t('parcelId', { id: p.parcelId ?? '—' })} ·{' '}
                {t('parcelSince', { date: new Date(p.since).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB') })}
                {p.uncollected ? (
                  <>
                    {' '}
                    <span class="flag warning">{t('parcelUncollected')}</span>
                  </>
                ) : null}
              </p>
              {confirming === p.compartment ? (
                <form class="confirm" onSubmit={(e) => void open(e, p)} noValidate>
                  <p>
                    <strong>{t('openConfirmQuestion', { compartment: p.compartment })}</strong> {t('openConfirmText')}
                  </p>
                  <label for={`open-reason-${p.compartment}`}>{t('openReason')}</label>
                  <input id={`open-reason-${p.compartment}`} value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
                  <div class="actions">
                    <button type="submit" class="danger" disabled={busy}>
                      {t('openConfirm')}
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      {t('cancel')}
                    </button>
                  </div>
                </form>
              ) : (
                <button
                  type="button"
                  onClick={() => {
                    setReason(t('openReasonDefault'));
                    setConfirming(p.compartment);
                  }}
                >
                  {t('openTakeBack')}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
