import { useEffect, useRef, useState } from 'preact/hooks';
import { failureText, type Ctx } from '../context.ts';
import { Message } from './Message.tsx';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Pickup by code: on-screen keypad or a QR scanner typing into its field (keyboard wedge, Enter submits). */
export function Pickup({ ctx }: { ctx: Ctx }) {
  const { t, client, say } = ctx;
  const [code, setCode] = useState('');
  const [qr, setQr] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [lockedUntil, setLockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  const qrField = useRef<HTMLInputElement>(null);

  // A scanner acting as a keyboard types wherever the focus is: typing outside a field goes to the QR field.
  useEffect(() => {
    const toQrField = (e: KeyboardEvent): void => {
      if (e.key.length === 1 && !(document.activeElement instanceof HTMLInputElement)) qrField.current?.focus();
    };
    window.addEventListener('keydown', toQrField, true);
    return () => window.removeEventListener('keydown', toQrField, true);
  }, []);

  useEffect(() => {
    if (lockedUntil <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), 500);
    return () => clearTimeout(timer);
  }, [lockedUntil, now]);
  const waitSeconds = lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 0;

  async function submit(value: string): Promise<void> {
    const trimmed = value.trim();
    if (!trimmed || busy || waitSeconds > 0) return;
    setBusy(true);
    try {
      const a = await client.pickup({ code: trimmed });
      setResult({ ok: a.ok, text: a.message });
      say(a.message);
      if (a.retryAfterMs !== undefined) {
        setLockedUntil(Date.now() + a.retryAfterMs);
        setNow(Date.now());
      }
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    } finally {
      setCode('');
      setQr('');
      setBusy(false);
    }
  }

  const press = (d: string): void => setCode((c) => (c.length < 20 ? c + d : c));
  return (
    <section aria-labelledby="title" data-screen="pickup">
      <h1 id="title">{t('pickup.title')}</h1>
      <p class="lead">{t('pickup.lead')}</p>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="pickup-message" />
      {waitSeconds > 0 ? (
        <p class="wait" data-testid="pickup-wait">
          <span aria-hidden="true">⚠ </span>
          {t('pickup.wait', { seconds: waitSeconds })}
        </p>
      ) : null}
      <div class="pickup">
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(code);
          }}
        >
          <label for="code">{t('pickup.code')}</label>
          <input
            id="code"
            class="code"
            data-testid="pickup-code"
            inputMode="none"
            autoComplete="off"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value.replace(/[^0-9 ]/g, ''))}
          />
          <div class="keypad" role="group" aria-label={t('pickup.keypad')}>
            {KEYS.map((k) => (
              <button type="button" key={k} onClick={() => press(k)}>
                {k}
              </button>
            ))}
            <button type="button" onClick={() => setCode('')}>
              {t('pickup.clear')}
            </button>
            <button type="button" onClick={() => press('0')}>
              0
            </button>
            <button type="button" aria-label={t('pickup.deleteLabel')} onClick={() => setCode((c) => c.slice(0, -1))}>
              ⌫ {t('pickup.delete')}
            </button>
          </div>
          <button type="submit" class="primary" data-testid="pickup-submit" disabled={busy || waitSeconds > 0 || code.trim() === ''}>
            {t('pickup.submit')}
          </button>
        </form>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(qr);
          }}
        >
          <label for="qr">{t('pickup.qr')}</label>
          <input
            id="qr"
            ref={qrField}
            autoFocus
            data-testid="pickup-qr"
            autoComplete="off"
            aria-describedby="qr-hint"
            value={qr}
            onInput={(e) => setQr(e.currentTarget.value)}
          />
          <p id="qr-hint" class="hint">
            {t('pickup.qrHint')}
          </p>
        </form>
      </div>
    </section>
  );
}
