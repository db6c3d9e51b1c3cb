/** One member in the list: the facts, the account terms, the credentials, and the selection for card printing. */
import type { Member, OperationsApi } from '../operationsApi.ts';
import { useI18n } from '../i18n.ts';
import { AccountTerms } from './AccountTerms.tsx';
import { CredentialsPanel } from './CredentialsPanel.tsx';

export function MemberCard(props: {
  member: Member;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onEdit: () => void;
  ops: OperationsApi;
  onChanged: () => Promise<void>;
  onSessionEnded: () => void;
}) {
  const { t } = useI18n();
  const m = props.member;
  const head = `member-${m.id}-name`;
  return (
    <article class="card member" aria-labelledby={head} data-testid={`member-${m.name}`}>
      <header class="card-head">
        <h2 id={head}>{m.name}</h2>
        <label class="inline select">
          <input type="checkbox" checked={props.selected} onChange={(e) => props.onSelect(e.currentTarget.checked)} />{' '}
          <span>{t('memberSelect', { name: m.name })}</span>
        </label>
      </header>
      <dl class="facts">
        <dt>{t('memberContact')}</dt>
        <dd>{m.contact ?? '—'}</dd>
        <dt>{t('memberRole')}</dt>
        <dd>{t(`memberRole.${m.role}`)}</dd>
        <dt>{t('memberSites')}</dt>
        <dd>{m.sites === 'all' ? t('memberSitesAll') : m.sites.join(', ')}</dd>
        <dt>{t('memberAge')}</dt>
        <dd data-testid="age">
          {m.ageVerified ? t('memberAgeShown', { method: t(`ageMethod.${m.ageVerified.method}`), date: m.ageVerified.date }) : t('memberAgeNone')}
        </dd>
      </dl>
      <AccountTerms member={m} ops={props.ops} onChanged={props.onChanged} onSessionEnded={props.onSessionEnded} />
      <CredentialsPanel
        member={m}
        ops={props.ops}
        onChanged={props.onChanged}
        onSessionEnded={props.onSessionEnded}
        leadingAction={
          <button type="button" onClick={props.onEdit}>
            {t('memberEdit')}
          </button>
        }
      />
    </article>
  );
}
