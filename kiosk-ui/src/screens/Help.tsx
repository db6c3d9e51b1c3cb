import { useEffect, useState } from 'preact/hooks';
import { failureText, type Ctx } from '../context.ts';
import { helpPhase, helpPhaseText } from '../helpStatus.ts';
import { Message } from './Message.tsx';

/** Waited this long for an answer when the point does not say (controller/help/helpState.ts has the same default). */
const DEFAULT_ANSWER_WITHIN_MS = 3 * 60_000;

/**
 * What happens when help is called, and the call (recorded for the backoffice); then, on screen
 * and spoken, where the request stands: arrived, answered by an operator opening the door, or
 * unanswered for too long (the team's phone number, or try again).
 */
export function Help({ ctx }: { ctx: Ctx }) {
  const { t, client, say, from, noBackoffice, help, ackedUpTo } = ctx;
  const [failure, setFailure] = useState<string | null>(null);
  const [request, setRequest] = useState<{ seq: number; message: string } | null>(null);
  const [late, setLate] = useState(false);
  const [busy, setBusy] = useState(false);
  async function call(): Promise<void> {
    setBusy(true);
    try {
      const a = await client.help({ screen: from });
      setFailure(null);
      setLate(false);
      setRequest({ seq: a.seq, message: a.message });
    } catch (err) {
      const text = failureText(err, t);
      setFailure(text);
      say(text);
    } finally {
      setBusy(false);
    }
  }
  const answerWithinMs = help?.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;
  useEffect(() => {
    if (!request) return;
    const timer = setTimeout(() => setLate(true), answerWithinMs);
    return () => clearTimeout(timer);
  }, [request, answerWithinMs]);
  const phase = request ? helpPhase({ seq: request.seq, help, ackedUpTo, late }) : null;
  const statusText = phase && request ? helpPhaseText(phase, t, request.message, help?.phone) : null;
  // Each new state is spoken once (two senses: on screen and by speech).
  useEffect(() => {
    if (statusText) say(statusText);
  }, [statusText]);
  const text = failure ?? statusText;
  return (
    <section aria-labelledby="title" data-screen="help" data-help-status={failure ? 'failed' : (phase ?? 'none')}>
      <h1 id="title">{t('help.title')}</h1>
      <p class="lead">{t('help.lead')}</p>
      {noBackoffice ? <p class="notice">{t('help.offline')}</p> : null}
      <button class="big primary" data-testid="help-call" disabled={busy || (request !== null && phase !== 'overdue')} onClick={() => void call()}>
        <span aria-hidden="true" class="icon">
          ?
        </span>
        <span class="label">{t('help.call')}</span>
      </button>
      <Message text={text} ok={failure === null && phase !== 'overdue'} testId="help-message" />
      <p>{t('help.emergency')}</p>
    </section>
  );
}
