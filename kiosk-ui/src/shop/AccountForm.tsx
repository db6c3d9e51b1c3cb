import { useState } from 'preact/hooks';
import type { Ctx } from '../context.ts';

type Props = { ctx: Ctx; busy: boolean; onSubmit(cardUid: string, pin: string): Promise<boolean> };

/** Paying from the member account: the member card's number and the PIN (works without the backoffice). */
export function AccountForm({ ctx, busy, onSubmit }: Props) {
  const { t } = ctx;
  const [cardUid, setCardUid] = useState('');
  const [pin, setPin] = useState('');
  return (
    <form
      class="stack"
      aria-labelledby="account-title"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(cardUid.trim(), pin).then(() => setPin(''));
      }}
    >
      <h2 id="account-title">{t('pay.accountTitle')}</h2>
      <p>{t('pay.accountLead')}</p>
      <label for="account-card">{t('pay.cardUid')}</label>
      <input id="account-card" data-testid="account-card" autoComplete="off" value={cardUid} onInput={(e) => setCardUid(e.currentTarget.value)} />
      <label for="account-pin">{t('pay.pin')}</label>
      <input
        id="account-pin"
        data-testid="account-pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={pin}
        onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))}
      />
      <button type="submit" class="primary" data-testid="account-submit" disabled={busy || cardUid.trim() === '' || pin === ''}>
        {t('pay.accountSubmit')}
      </button>
    </form>
  );
}
