import { useState } from 'preact/hooks';
import { failureText, type Ctx } from '../context.ts';
import { Message } from './Message.tsx';

/** What happens when help is called, and the call (recorded for the backoffice). */
export function Help({ ctx }: { ctx: Ctx }) {
  const { t, client, say, from, noBackoffice } = ctx;
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function call(): Promise<void> {
    setBusy(true);
    try {
      const a = await client.help({ screen: from });
      setResult({ ok: true, text: a.message });
      say(a.message);
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="title" data-screen="help">
      <h1 id="title">{t('help.title')}</h1>
      <p class="lead">{t('help.lead')}</p>
      {noBackoffice ? <p class="notice">{t('help.offline')}</p> : null}
      <button class="big primary" data-testid="help-call" disabled={busy || result?.ok === true} onClick={() => void call()}>
        <span aria-hidden="true" class="icon">
          ?
        </span>
        <span class="label">{t('help.call')}</span>
      </button>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="help-message" />
      <p>{t('help.emergency')}</p>
    </section>
  );
}
