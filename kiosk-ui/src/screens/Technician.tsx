import { useEffect, useState } from 'preact/hooks';
import type { TechnicianStatus } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { Message } from './Message.tsx';

const STATE_KEY = { ok: 'tech.state.ok', degraded: 'tech.state.degraded', lost: 'tech.state.lost', none: 'tech.state.none' } as const;

/**
 * Technician mode (reached by holding the top-left corner): the technician PIN, then the hardware
 * status (door, links and boards, fridges, printer, link to the office, ledger) and the switch that
 * takes the kiosk out of service for customers. Wrong PINs lock the entry for a while (the point
 * counts them, also across restarts).
 */
export function Technician({ ctx }: { ctx: Ctx }) {
  const { t, client, say } = ctx;
  const [pin, setPin] = useState('');
  const [session, setSession] = useState<string | null>(null);
  const [status, setStatus] = useState<TechnicianStatus | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (waitUntil === null) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= waitUntil) setWaitUntil(null);
    }, 250);
    return () => clearInterval(timer);
  }, [waitUntil]);
  useEffect(() => {
    if (!session) return;
    const timer = setInterval(() => void refresh(session), 2000);
    return () => clearInterval(timer);
  }, [session]);

  const fail = (text: string): void => {
    setResult({ ok: false, text });
    say(text);
  };

  async function refresh(s: string): Promise<void> {
    const a = await client.technician.status({ session: s }).catch(() => null);
    if (a?.ok && a.status) setStatus(a.status);
    else if (a && !a.ok) {
      setSession(null);
      fail(a.message ?? t('error.generic'));
    }
  }

  async function signIn(): Promise<void> {
    const entered = pin;
    setPin('');
    if (!/^\d{4,12}$/.test(entered) || busy) return;
    setBusy(true);
    try {
      const a = await client.technician.signIn({ pin: entered });
      if (a.ok && a.session) {
        setResult(null);
        setSession(a.session);
        await refresh(a.session);
      } else {
        if (a.retryAfterMs) {
          setNow(Date.now());
          setWaitUntil(Date.now() + a.retryAfterMs);
        }
        fail(a.message ?? t('error.generic'));
      }
    } catch (err) {
      fail(failureText(err, t));
    } finally {
      setBusy(false);
    }
  }

  async function toggle(): Promise<void> {
    if (!session || !status) return;
    const a = await client.technician.service({ session, outOfService: !status.outOfService }).catch(() => null);
    if (a?.ok && a.status) setStatus(a.status);
    else if (a) fail(a.message ?? t('error.generic'));
  }

  if (!session || !status) {
    const seconds = waitUntil !== null ? Math.max(1, Math.ceil((waitUntil - now) / 1000)) : null;
    return (
      <section aria-labelledby="title" data-screen="technician">
        <h1 id="title">{t('tech.title')}</h1>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void signIn();
          }}
        >
          <label for="tech-pin">{t('tech.pin')}</label>
          <div class="row">
            <input
              id="tech-pin"
              class="code"
              type="password"
              inputmode="numeric"
              autocomplete="off"
              maxlength={12}
              value={pin}
              data-testid="tech-pin"
              onInput={(e) => setPin((e.target as HTMLInputElement).value.replace(/\D/g, ''))}
            />
            <button type="submit" class="primary" data-testid="tech-sign-in" disabled={busy || seconds !== null}>
              {t('tech.signIn')}
            </button>
          </div>
        </form>
        <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="tech-message" />
        {seconds !== null ? (
          <p class="wait" data-testid="tech-wait">
            {t('tech.wait', { seconds })}
          </p>
        ) : null}
      </section>
    );
  }

  const s = status;
  const door = t('tech.doorDetail', {
    state: s.door.state,
    strike: t(s.door.strikeReleased ? 'tech.strike.released' : 'tech.strike.locked'),
    contact: t(s.door.contactOpen ? 'tech.contact.open' : 'tech.contact.closed'),
  });
  return (
    <section aria-labelledby="title" data-screen="technician-status">
      <h1 id="title">{t('tech.title')}</h1>
      <h2>{t('tech.status')}</h2>
      <dl class="tech" data-testid="tech-status">
        <div>
          <dt>{t('tech.service')}</dt>
          <dd data-testid="tech-service">{t(s.outOfService ? 'tech.outOfService' : 'tech.inService')}</dd>
        </div>
        <div>
          <dt>{t('tech.door')}</dt>
          <dd>{door}</dd>
        </div>
        <div>
          <dt>{t('tech.printer')}</dt>
          <dd data-testid="tech-printer">
            {s.printer.present ? t(STATE_KEY[s.printer.status]) : t('tech.printerNone')}
            {s.printer.detail ? <small class="technical"> {s.printer.detail}</small> : null}
          </dd>
        </div>
        <div>
          <dt>{t('tech.sync')}</dt>
          <dd>{s.sync ? t(s.sync.connected ? 'tech.syncUp' : 'tech.syncDown', { backlog: s.sync.backlog }) : t('tech.syncNone')}</dd>
        </div>
        <div>
          <dt>{t('tech.ledger')}</dt>
          <dd>{t('tech.ledgerDetail', { seq: s.ledger.lastSeq, outbox: s.ledger.outbox })}</dd>
        </div>
      </dl>
      <h2>{t('tech.boards')}</h2>
      <ul class="tech" data-testid="tech-boards">
        {s.hardware.map((h) => (
          <li key={h.name}>
            {h.name}: {t(STATE_KEY[h.status])}
            {h.detail ? <small class="technical"> {h.detail}</small> : null}
          </li>
        ))}
      </ul>
      <h2>{t('tech.fridges')}</h2>
      <ul class="tech" data-testid="tech-fridges">
        {s.fridges.map((f) => (
          <li key={f.id}>
            {f.name}: {f.last ? t('tech.fridgeTemp', { temp: (f.last.tenths / 10).toFixed(1) }) : t('tech.fridgeNoReading')}
            {f.blocked ? ` – ${t('tech.fridgeBlocked')}` : ''}
          </li>
        ))}
      </ul>
      <div class="row">
        <button class={`big ${s.outOfService ? 'primary' : ''}`} data-testid="tech-toggle" onClick={() => void toggle()}>
          <span class="label">{t(s.outOfService ? 'tech.putBack' : 'tech.takeOut')}</span>
        </button>
        <button
          class="big"
          data-testid="tech-sign-out"
          onClick={() => {
            setSession(null);
            setStatus(null);
          }}
        >
          <span class="label">{t('tech.signOut')}</span>
        </button>
      </div>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="tech-message" />
    </section>
  );
}
