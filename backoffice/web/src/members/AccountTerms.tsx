/**
 * A member's account terms: shown as last set, and edited — no account, prepaid (the balance now)
 * or monthly invoice (the credit limit) — with the amount typed in euros ("25,50") and sent as
 * exact integer cents. A bad amount is named and nothing is sent. Saving sends the terms to the
 * member's points (PUT /api/members/:id/account); an invoice's open amount is kept as it is.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import type { Member, OperationsApi } from '../operationsApi.ts';
import { useI18n, type Lang, type T } from '../i18n.ts';
import { MAX_EURO_CENTS, euroInput, euroText, parseEuroCents, type EuroCentsError } from './euroCents.ts';
import { dateText, memberErrorText } from './memberText.ts';

type Mode = 'none' | 'prepaid' | 'invoice';
const MODES: readonly Mode[] = ['none', 'prepaid', 'invoice'];

const AMOUNT_ERRORS = {
  empty: 'accountErrEmpty',
  format: 'accountErrFormat',
  decimals: 'accountErrDecimals',
  negative: 'accountErrNegative',
  'too-high': 'accountErrTooHigh',
} as const satisfies Record<EuroCentsError, string>;

export function accountText(t: T, lang: Lang, account: Member['account']): string {
  if (!account || account.mode === 'none') return t('accountNone');
  const since = dateText(lang, account.updatedAt);
  return account.mode === 'prepaid'
    ? t('accountShownPrepaid', { amount: euroText(lang, account.limitCents), date: since })
    : t('accountShownInvoice', { limit: euroText(lang, account.limitCents), open: euroText(lang, account.openCents), date: since });
}

export function AccountTerms(props: { member: Member; ops: OperationsApi; onChanged: () => Promise<void>; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const m = props.member;
  const current = m.account;
  const [editing, setEditing] = useState(false);
  const [mode, setMode] = useState<Mode>(current?.mode ?? 'none');
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const open = (): void => {
    const mode = current?.mode ?? 'none';
    setMode(mode);
    setAmount(mode === 'none' ? '' : euroInput(current?.limitCents ?? 0));
    setError(null);
    setNotice(null);
    setEditing(true);
  };

  const save = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    setNotice(null);
    let limitCents = 0;
    if (mode !== 'none') {
      const parsed = parseEuroCents(amount);
      if (!parsed.ok) {
        setError(t(AMOUNT_ERRORS[parsed.error], { max: euroText(lang, MAX_EURO_CENTS) }));
        return;
      }
      limitCents = parsed.cents;
    }
    const openCents = mode === 'invoice' && current?.mode === 'invoice' ? current.openCents : 0;
    setError(null);
    setBusy(true);
    try {
      const r = await props.ops.setAccount(m.id, { mode, limitCents, ...(mode === 'invoice' ? { openCents } : {}) });
      setEditing(false);
      setNotice(t('accountSaved', { n: r.sites.length }));
      await props.onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
      else setError(memberErrorText(t, lang, e));
    } finally {
      setBusy(false);
    }
  };

  const id = (part: string): string => `account-${part}-${m.id}`;
  return (
    <section class="account" aria-labelledby={id('heading')} data-testid="account">
      <h3 id={id('heading')}>{t('accountHeading')}</h3>
      <p data-testid="account-terms">{accountText(t, lang, current)}</p>
      {editing ? (
        <form class="confirm" onSubmit={(e) => void save(e)} noValidate data-testid="account-form">
          <label for={id('mode')}>{t('accountMode')}</label>
          <select id={id('mode')} value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
            {MODES.map((x) => (
              <option key={x} value={x}>
                {t(`accountMode.${x}`)}
              </option>
            ))}
          </select>
          {mode !== 'none' ? (
            <>
              <label for={id('amount')}>{mode === 'prepaid' ? t('accountBalance') : t('accountLimit')}</label>
              <input
                id={id('amount')}
                inputMode="decimal"
                value={amount}
                maxLength={20}
                onInput={(e) => setAmount(e.currentTarget.value)}
                aria-describedby={id('hint')}
              />
              <p id={id('hint')} class="hint">
                {t('accountAmountHint', { max: euroText(lang, MAX_EURO_CENTS) })}
              </p>
            </>
          ) : null}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('accountSave')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" onClick={open}>
            {t('accountChange')}
          </button>
        </div>
      )}
      <div role="alert" class="message error" data-testid="account-error">
        {error ?? ''}
      </div>
      <div role="status" class="message info" data-testid="account-notice">
        {notice ?? ''}
      </div>
    </section>
  );
}
