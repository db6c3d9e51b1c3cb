/** Sign-in form: username, password and the TOTP code; clear messages for wrong input and lockouts. */
import { useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient, type Session } from '../api.ts';
import { errorText } from '../errors.ts';
import { useI18n } from '../i18n.ts';

export function Login(props: { api: ApiClient; notice: string | null; onSignedIn: (s: Session) => void }) {
  const { t, lang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const totpRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const code = totp.trim();
      const s = await props.api.login({ username: username.trim(), password, ...(code !== '' ? { totp: code } : {}) });
      props.onSignedIn(s);
    } catch (e) {
      setError(errorText(t, lang, e, Date.now()));
      // A code is good once: ask for a fresh one after any failure; a wrong password is typed again.
      setTotp('');
      if (e instanceof ApiError && e.code === 'totp-required') totpRef.current?.focus();
      else if (e instanceof ApiError && e.code === 'invalid-credentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel login" aria-labelledby="login-heading">
      <h1 id="login-heading">{t('signInHeading')}</h1>
      <p>{t('signInIntro')}</p>
      {props.notice && !error ? (
        <p class="message info" role="status">
          {props.notice}
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label for="username">{t('username')}</label>
        <input id="username" name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="password">{t('password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          ref={passwordRef}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <label for="totp">{t('totp')}</label>
        <input
          id="totp"
          name="totp"
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          aria-describedby="totp-hint"
          ref={totpRef}
          value={totp}
          onInput={(e) => setTotp(e.currentTarget.value)}
        />
        <p id="totp-hint" class="hint">
          {t('totpHint')}
        </p>
        <div role="alert" class="message error" data-testid="login-error">
          {error ?? ''}
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </section>
  );
}
