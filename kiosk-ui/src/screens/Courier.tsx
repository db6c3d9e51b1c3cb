import { useEffect, useRef, useState } from 'preact/hooks';
import type { DropOffAnswer, DropOffBody } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { Message } from './Message.tsx';

type Step = 'token' | 'reference' | 'size' | 'done';

/** A courier's drop-off: pass (token) → tracking number → size S/M/L → the compartment that opened. */
export function Courier({ ctx }: { ctx: Ctx }) {
  const { t, client, say } = ctx;
  const [step, setStep] = useState<Step>('token');
  const [token, setToken] = useState('');
  const [reference, setReference] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const session = useRef<string | undefined>(undefined);

  // Leaving the screen (back, inactivity) ends an open session.
  useEffect(
    () => () => {
      if (session.current) void client.dropOff({ step: 'cancel', sessionId: session.current }).catch(() => undefined);
    },
    [],
  );

  async function send(body: DropOffBody, next: (a: DropOffAnswer) => Step): Promise<void> {
    try {
      const a = await client.dropOff(body);
      setResult({ ok: a.ok, text: a.message });
      say(a.message);
      if (a.sessionId) session.current = a.state === 'ended' ? undefined : a.sessionId;
      if (a.ok) setStep(next(a));
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    }
  }
  const sid = (): string => session.current ?? '';
  const n = step === 'token' ? 1 : step === 'reference' ? 2 : 3;

  return (
    <section aria-labelledby="title" data-screen="courier">
      <h1 id="title">{t('courier.title')}</h1>
      <p class="lead">{t('courier.step', { n })}</p>
      {step === 'token' ? (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (token.trim()) void send({ step: 'start', token: token.trim() }, () => 'reference');
          }}
        >
          <label for="token">{t('courier.token')}</label>
          <input id="token" autoFocus data-testid="courier-token" autoComplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          <button type="submit" class="primary">
            {t('courier.start')}
          </button>
        </form>
      ) : null}
      {step === 'reference' ? (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (reference.trim()) void send({ step: 'reference', sessionId: sid(), reference: reference.trim() }, () => 'size');
          }}
        >
          <label for="reference">{t('courier.reference')}</label>
          <input
            id="reference"
            autoFocus
            data-testid="courier-reference"
            autoComplete="off"
            value={reference}
            onInput={(e) => setReference(e.currentTarget.value)}
          />
          <button type="submit" class="primary">
            {t('courier.next')}
          </button>
        </form>
      ) : null}
      {step === 'size' ? (
        <div role="group" aria-labelledby="size-title" class="sizes">
          <h2 id="size-title">{t('courier.size')}</h2>
          {(['S', 'M', 'L'] as const).map((size) => (
            <button key={size} class="big" onClick={() => void send({ step: 'size', sessionId: sid(), size }, () => 'done')}>
              {t(`courier.size${size}`)}
            </button>
          ))}
        </div>
      ) : null}
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="courier-message" />
      {step !== 'token' ? (
        <div class="row">
          {step === 'done' ? (
            <button
              class="primary"
              onClick={() => {
                setReference('');
                setResult(null);
                setStep('reference');
              }}
            >
              {t('courier.another')}
            </button>
          ) : null}
          <button onClick={() => void send({ step: 'cancel', sessionId: sid() }, () => 'token')}>{t('courier.finish')}</button>
        </div>
      ) : null}
    </section>
  );
}
