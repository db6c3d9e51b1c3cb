/**
 * Help and remote age-check requests from the kiosks of the whole fleet, reloaded every 2 s. A new
 * request pops up with a two-tone signal (Web Audio; a visible toggle mutes it, remembered in
 * localStorage) and is announced to screen readers. An age check counts down to its deadline
 * (the backoffice's time, corrected for this browser's clock) and can be approved or declined;
 * a help request can be answered by releasing the point's door (after a confirmation) or marked done.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api.ts';
import { clockTime } from '../format.ts';
import { usePolling, useSessionGuard } from '../usePolling.ts';
import { beep } from './beep.ts';
import { requestsApi, type AgeCheckRequest, type HelpRequest } from './requestsApi.ts';
import { useRequestsText, type RT } from './text.ts';
import './requests.css';

export const REQUESTS_REFRESH_MS = 2000;
const MUTE_KEY = 'dorfpunkt.requests.muted';

const helpKey = (h: HelpRequest): string => `help:${h.siteId}:${h.seq}`;
const ageKey = (a: AgeCheckRequest): string => `age:${a.siteId}:${a.checkId}`;

function rememberedMute(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

function failureText(rt: RT, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'deadline-passed') return rt('errDeadline');
    if (e.code === 'site-not-online') return rt('errNotOnline');
    if (e.code === 'totp-required') return rt('errTotp');
    return rt('errOther', { message: e.message });
  }
  return rt('errOther', { message: e instanceof Error ? e.message : String(e) });
}

type Outcome = { ok: boolean; text: string };

export function RequestsPanel(props: { api: ApiClient; onSessionEnded: () => void }) {
  const { rt, lang } = useRequestsText();
  const api = useMemo(() => requestsApi(props.api), [props.api]);
  const polled = usePolling(() => api.list(), REQUESTS_REFRESH_MS, [api]);
  useSessionGuard(polled.error, props.onSessionEnded);
  const [muted, setMuted] = useState(rememberedMute);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<HelpRequest | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const seen = useRef(new Set<string>());

  const data = polled.data;
  const help = data?.help ?? [];
  const checks = data?.ageChecks ?? [];
  // the backoffice's clock minus this browser's, from the last answer
  const offset = data && polled.loadedAt !== null ? data.now - polled.loadedAt : 0;

  useEffect(() => {
    if (!data) return;
    const keys = [...data.help.map(helpKey), ...data.ageChecks.map(ageKey)];
    const added = keys.filter((k) => !seen.current.has(k));
    for (const k of added) seen.current.add(k);
    if (added.length > 0) {
      setFresh(new Set(added));
      if (!muted) beep();
    }
  }, [data]);

  useEffect(() => {
    if (checks.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [checks.length]);

  const toggleMute = (): void => {
    const next = !muted;
    setMuted(next);
    try {
      localStorage.setItem(MUTE_KEY, next ? '1' : '0');
    } catch {
      /* private mode: for this page only */
    }
  };

  async function run(key: string, call: () => Promise<{ expiresAt?: number } | unknown>): Promise<void> {
    setBusy(key);
    try {
      const r = (await call()) as { expiresAt?: number } | null;
      const text =
        r && typeof r.expiresAt === 'number' ? rt('sent', { time: clockTime(lang, r.expiresAt - offset) }) : rt('sent', { time: clockTime(lang, Date.now()) });
      setOutcomes((o) => ({ ...o, [key]: { ok: true, text } }));
    } catch (e) {
      setOutcomes((o) => ({ ...o, [key]: { ok: false, text: failureText(rt, e) } }));
    } finally {
      setBusy(null);
    }
  }

  // a role that may not see requests (the accountant): no panel at all
  if (polled.error instanceof ApiError && polled.error.status === 403) return null;
  const count = help.length + checks.length;
  return (
    <aside class={count > 0 ? 'requests popup' : 'requests'} aria-labelledby="requests-heading" data-testid="requests">
      <header class="requests-head">
        <h2 id="requests-heading">
          {rt('heading')}
          {count > 0 ? ` (${count})` : ''}
        </h2>
        <button type="button" class={muted ? 'mute on' : 'mute'} aria-pressed={muted} title={rt('muteLabel')} onClick={toggleMute} data-testid="requests-mute">
          {rt('mute')}
          <span class="state">{muted ? rt('muteOn') : rt('muteOff')}</span>
        </button>
      </header>
      <p class="visually-hidden" role="alert" data-testid="requests-alert">
        {fresh.size > 0 && count > 0 ? rt('newRequests', { n: fresh.size }) : ''}
      </p>
      {count === 0 ? <p class="muted">{rt('none')}</p> : null}
      <ul class="plain requests-list">
        {checks.map((a) => {
          const key = ageKey(a);
          const left = Math.max(0, Math.ceil((a.deadlineAt - (now + offset)) / 1000));
          const out = outcomes[key];
          const answered = out?.ok === true;
          return (
            <li key={key} class={fresh.has(key) ? 'request age fresh' : 'request age'} data-testid={`age-${a.checkId}`}>
              <p class="kind">{rt('age', { age: a.requiredAge })}</p>
              <p data-testid="age-countdown">{left > 0 ? rt('ageAt', { site: a.siteId, seconds: left }) : rt('ageExpired', { site: a.siteId })}</p>
              {answered ? null : (
                <div class="actions">
                  <button
                    type="button"
                    class="approve"
                    disabled={busy !== null || left === 0}
                    onClick={() => void run(key, () => api.decide(a.siteId, a.checkId, true))}
                  >
                    {rt('approve')}
                  </button>
                  <button type="button" disabled={busy !== null || left === 0} onClick={() => void run(key, () => api.decide(a.siteId, a.checkId, false))}>
                    {rt('decline')}
                  </button>
                </div>
              )}
              {out ? (
                <p class={out.ok ? 'message info' : 'message error'} role="status">
                  {out.text}
                </p>
              ) : null}
            </li>
          );
        })}
        {help.map((h) => {
          const key = helpKey(h);
          const out = outcomes[key];
          return (
            <li key={key} class={fresh.has(key) ? 'request help fresh' : 'request help'} data-testid={`help-${h.siteId}-${h.seq}`}>
              <p class="kind">{rt('help')}</p>
              <p>{rt('helpAt', { site: h.siteId, time: clockTime(lang, h.at - offset), screen: h.screen })}</p>
              <div class="actions">
                <button type="button" class="approve" disabled={busy !== null} onClick={() => setConfirm(h)}>
                  {rt('releaseDoor')}
                </button>
                <button type="button" disabled={busy !== null} onClick={() => void run(key, () => api.helpAnswered(h.siteId, h.seq))}>
                  {rt('answered')}
                </button>
              </div>
              {out ? (
                <p class={out.ok ? 'message info' : 'message error'} role="status">
                  {out.text}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      {confirm ? (
        <ConfirmDialog
          rt={rt}
          site={confirm.siteId}
          onNo={() => setConfirm(null)}
          onYes={() => {
            const h = confirm;
            setConfirm(null);
            void run(helpKey(h), () => api.releaseDoor(h.siteId, `help ${h.seq}`));
          }}
        />
      ) : null}
    </aside>
  );
}

function ConfirmDialog({ rt, site, onYes, onNo }: { rt: RT; site: string; onYes(): void; onNo(): void }) {
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    yes.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onNo();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="backdrop">
      <div
        class="panel dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        data-testid="confirm-release"
      >
        <h2 id="confirm-title">{rt('confirmTitle', { site })}</h2>
        <p id="confirm-text">{rt('confirmText')}</p>
        <div class="actions">
          <button type="button" class="approve" ref={yes} onClick={onYes}>
            {rt('confirmYes')}
          </button>
          <button type="button" onClick={onNo}>
            {rt('confirmNo')}
          </button>
        </div>
      </div>
    </div>
  );
}
