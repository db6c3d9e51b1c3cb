/**
 * TOTP enrolment right after sign-in, for a role that may open doors or compartments remotely and
 * has no second factor yet: the otpauth URI as a QR code (drawn in the page) and the secret as text
 * for typing in by hand, then the first code from the app confirms it. Until then the API answers
 * only the sign-in routes (permissions.ts `signed-in`).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ApiClient, type Session } from '../api.ts';
import { operationsApi } from '../operationsApi.ts';
import { errorText } from '../errors.ts';
import { useI18n } from '../i18n.ts';
import { QrCode } from '../components/QrCode.tsx';
import '../operations.css';

/** The base32 secret in groups of four, easier to type and read aloud. */
const grouped = (secret: string): string => secret.replace(/(.{4})/g, '$1 ').trim();

export function EnrolPage(props: { api: ApiClient; onEnrolled: (s: Session) => void }) {
  const { t, lang } = useI18n();
  const ops = operationsApi(props.api);
  const [setup, setSetup] = useState<{ uri: string; secret: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ops.totpSetup().then(setSetup, (e: unknown) => setError(errorText(t, lang, e, Date.now())));
  }, [props.api]);

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const c = code.replace(/\s/g, '');
    if (!/^[0-9]{6}$/.test(c)) {
      setError(t('enrolCodeFormat'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      props.onEnrolled(await ops.totpConfirm(c));
    } catch (e) {
      setCode('');
      setError(e instanceof ApiError && e.code === 'invalid-code' ? t('enrolCodeWrong') : errorText(t, lang, e, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel enrol" aria-labelledby="enrol-heading">
      <h1 id="enrol-heading">{t('enrolHeading')}</h1>
      <p>{t('enrolIntro')}</p>
      {setup ? (
        <>
          <h2>{t('enrolStep1')}</h2>
          <QrCode text={setup.uri} label={t('enrolQrLabel')} testId="totp-qr" />
          <p>{t('enrolSecretIntro')}</p>
          <p class="secret" data-testid="totp-secret">
            {grouped(setup.secret)}
          </p>
          <h2>{t('enrolStep2')}</h2>
          <form onSubmit={(e) => void submit(e)} noValidate>
            <label for="enrol-code">{t('enrolCode')}</label>
            <input
              id="enrol-code"
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={7}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            <div role="alert" class="message error" data-testid="enrol-error">
              {error ?? ''}
            </div>
            <button type="submit" class="primary" disabled={busy}>
              {t('enrolConfirm')}
            </button>
          </form>
        </>
      ) : (
        <>
          <p role="status">{error ? null : t('loading')}</p>
          <div role="alert" class="message error" data-testid="enrol-error">
            {error ?? ''}
          </div>
        </>
      )}
    </section>
  );
}
