/**
 * A member's credentials: the list (revoke after confirming with a reason), issuing a QR code or a
 * card (UID + optional PIN), and the new code or PIN shown this once.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import type { Member, OperationsApi } from '../operationsApi.ts';
import { useI18n } from '../i18n.ts';
import { QrCode } from '../components/QrCode.tsx';
import { CARD_UID_PATTERN, PIN_PATTERN } from '../../../../controller/contract/credentialFormats.ts';
import { dateText, memberErrorText, validNow } from './memberText.ts';

type Issued = { kind: 'token'; token: string } | { kind: 'card'; cardUid: string; pin: string };

export function CredentialsPanel(props: {
  member: Member;
  ops: OperationsApi;
  onChanged: () => Promise<void>;
  onSessionEnded: () => void;
  /** Shown first in the action row (the card's "edit" button). */
  leadingAction?: ComponentChildren;
}) {
  const { t, lang } = useI18n();
  const m = props.member;
  const [issuing, setIssuing] = useState<'card' | null>(null);
  const [cardUid, setCardUid] = useState('');
  const [pin, setPin] = useState('');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
      else setError(memberErrorText(t, lang, e));
    } finally {
      setBusy(false);
    }
  };

  const issueQr = (): Promise<void> =>
    run(async () => {
      const r = await props.ops.issue(m.id, { kind: 'token' });
      setIssued({ kind: 'token', token: r.token ?? '' });
      await props.onChanged();
    });

  const issueCard = (ev: Event): Promise<void> => {
    ev.preventDefault();
    const uid = cardUid.trim();
    if (!CARD_UID_PATTERN.test(uid)) {
      setError(t('memberErrCardUid'));
      return Promise.resolve();
    }
    if (pin !== '' && !PIN_PATTERN.test(pin)) {
      setError(t('memberErrPin'));
      return Promise.resolve();
    }
    return run(async () => {
      const r = await props.ops.issue(m.id, { kind: 'card', cardUid: uid, ...(pin !== '' ? { pin } : {}) });
      setIssued({ kind: 'card', cardUid: uid, pin: r.pin ?? pin });
      setIssuing(null);
      setCardUid('');
      setPin('');
      await props.onChanged();
    });
  };

  const revoke = (ev: Event, cid: string): Promise<void> => {
    ev.preventDefault();
    if (reason.trim() === '') {
      setError(t('revokeErrReason'));
      return Promise.resolve();
    }
    return run(async () => {
      await props.ops.revoke(m.id, cid, reason.trim());
      setRevoking(null);
      setReason('');
      await props.onChanged();
    });
  };

  return (
    <>
      <h3>{t('credentials')}</h3>
      {m.credentials.length === 0 ? <p class="muted">{t('credentialsNone')}</p> : null}
      <ul class="plain credentials" data-testid="credentials">
        {m.credentials.map((c) => (
          <li key={c.id} data-testid={`credential-${c.id}`}>
            <span>
              {c.kind === 'token' ? t('credentialQr') : t('credentialCard', { uid: c.cardUid ?? '' })} ·{' '}
              {t('credentialIssued', { date: dateText(lang, c.issuedAt) })}
              {c.expiresAt !== null ? ` · ${t('credentialExpires', { date: dateText(lang, c.expiresAt) })}` : ''}
            </span>{' '}
            {c.revokedAt !== null ? (
              <span class="flag critical" data-testid="credential-state">
                {t('credentialRevoked', { date: dateText(lang, c.revokedAt), reason: c.revokeReason ?? '' })}
              </span>
            ) : revoking === c.id ? (
              <form class="confirm" onSubmit={(e) => void revoke(e, c.id)} noValidate>
                <p>
                  <strong>{t('revokeConfirmQuestion')}</strong> {t('revokeConfirmText')}
                </p>
                <label for={`reason-${c.id}`}>{t('revokeReason')}</label>
                <input id={`reason-${c.id}`} value={reason} maxLength={200} onInput={(e) => setReason(e.currentTarget.value)} />
                <div class="actions">
                  <button type="submit" class="danger" disabled={busy}>
                    {t('revokeConfirm')}
                  </button>
                  <button type="button" onClick={() => setRevoking(null)}>
                    {t('cancel')}
                  </button>
                </div>
              </form>
            ) : (
              <>
                <span class="flag ok" data-testid="credential-state">
                  {validNow(c) ? t('credentialValid') : t('credentialExpired')}
                </span>{' '}
                <button
                  type="button"
                  onClick={() => {
                    setReason('');
                    setRevoking(c.id);
                  }}
                >
                  {t('revoke')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {issued ? (
        <div class="issued panel" data-testid="issued">
          {issued.kind === 'token' ? (
            <>
              <p>{t('issuedQr')}</p>
              <QrCode text={issued.token} label={t('issuedQrLabel', { name: m.name })} testId="issued-qr" size={180} />
            </>
          ) : (
            <p>
              {t('issuedCard', { uid: issued.cardUid })} <strong data-testid="issued-pin">{issued.pin}</strong>
            </p>
          )}
          <p class="hint">{t('issuedOnce')}</p>
          <button type="button" onClick={() => setIssued(null)}>
            {t('issuedDone')}
          </button>
        </div>
      ) : null}
      {issuing === 'card' ? (
        <form class="confirm" onSubmit={(e) => void issueCard(e)} noValidate>
          <label for={`uid-${m.id}`}>{t('cardUid')}</label>
          <input id={`uid-${m.id}`} value={cardUid} maxLength={64} onInput={(e) => setCardUid(e.currentTarget.value)} />
          <label for={`pin-${m.id}`}>{t('cardPin')}</label>
          <input
            id={`pin-${m.id}`}
            inputMode="numeric"
            value={pin}
            maxLength={12}
            onInput={(e) => setPin(e.currentTarget.value)}
            aria-describedby={`pin-hint-${m.id}`}
          />
          <p id={`pin-hint-${m.id}`} class="hint">
            {t('cardPinHint')}
          </p>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t('cardIssue')}
            </button>
            <button type="button" onClick={() => setIssuing(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <div role="alert" class="message error" data-testid="member-error">
        {error ?? ''}
      </div>
      <div class="actions">
        {props.leadingAction}
        <button type="button" onClick={() => void issueQr()} disabled={busy}>
          {t('issueQr')}
        </button>
        <button
          type="button"
          onClick={() => {
            setError(null);
            setIssuing('card');
          }}
        >
          {t('issueCard')}
        </button>
      </div>
    </>
  );
}
