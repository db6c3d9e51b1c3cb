import { useEffect, useState } from 'preact/hooks';
import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import type { Ctx } from '../context.ts';

type Props = { ctx: Ctx; sale: SaleViewData; busy: boolean; onAsk(): void };

/**
 * The remote age check at the kiosk: "ask a member of staff" (an operator in the backoffice
 * approves or declines within the point's deadline), then waiting with the seconds left, approved,
 * declined or expired (asked again). Every state is shown as text and spoken once.
 */
export function RemoteAge({ ctx, sale, busy, onAsk }: Props) {
  const { t, say } = ctx;
  const remote = sale.remoteAge ?? null;
  const status = remote?.status ?? null;
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (status !== 'waiting') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [status]);

  useEffect(() => {
    if (status === 'approved') say(t('pay.ageRemoteApproved'));
    if (status === 'declined') say(t('pay.ageRemoteDeclined'));
    if (status === 'expired') say(t('pay.ageRemoteExpired'));
  }, [status, remote?.checkId]);

  if (status === 'waiting' && remote) {
    const seconds = Math.max(0, Math.ceil((remote.deadlineAt - now) / 1000));
    return (
      <p class="notice" role="status" data-testid="age-remote-status" data-status="waiting">
        {t('pay.ageRemoteWaiting', { seconds })}
      </p>
    );
  }
  if (status === 'approved' || status === 'declined') {
    return (
      <p class="notice" role="status" data-testid="age-remote-status" data-status={status}>
        {t(status === 'approved' ? 'pay.ageRemoteApproved' : 'pay.ageRemoteDeclined')}
      </p>
    );
  }
  if (sale.state !== 'ageCheck') return null;
  return (
    <div class="stack">
      {status === 'expired' ? (
        <p class="notice" role="status" data-testid="age-remote-status" data-status="expired">
          {t('pay.ageRemoteExpired')}
        </p>
      ) : null}
      <p>{t('pay.ageOr')}</p>
      <button type="button" class="big" data-testid="age-remote" disabled={busy} onClick={onAsk}>
        <span class="label">{t('pay.ageRemote')}</span>
        <span class="hint">{t('pay.ageRemoteHint')}</span>
      </button>
    </div>
  );
}
