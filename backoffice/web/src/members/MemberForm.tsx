/** Create or edit a member: name, contact, role, points, age verified in person (how and when only). Checked here first with clear messages. */
import { useState } from 'preact/hooks';
import type { Member, MemberInput } from '../operationsApi.ts';
import { useI18n } from '../i18n.ts';
import { memberErrorText, today } from './memberText.ts';

type AgeMethod = 'id-card-seen' | 'passport-seen' | 'known-personally';
const AGE_METHODS: readonly AgeMethod[] = ['id-card-seen', 'passport-seen', 'known-personally'];
const ROLES = ['member', 'courier', 'operator'] as const;

export function MemberForm(props: { member: Member | null; sites: string[]; onCancel: () => void; onSave: (input: MemberInput) => Promise<void> }) {
  const { t, lang } = useI18n();
  const m = props.member;
  const [name, setName] = useState(m?.name ?? '');
  const [contact, setContact] = useState(m?.contact ?? '');
  const [role, setRole] = useState<MemberInput['role']>(m?.role ?? 'member');
  const [allSites, setAllSites] = useState(m ? m.sites === 'all' : true);
  const [chosen, setChosen] = useState<string[]>(m && m.sites !== 'all' ? m.sites : []);
  const [ageChecked, setAgeChecked] = useState(m?.ageVerified != null);
  const [ageMethod, setAgeMethod] = useState<AgeMethod>(m?.ageVerified?.method ?? 'id-card-seen');
  const [ageDate, setAgeDate] = useState(m?.ageVerified?.date ?? today());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const check = (): string | null => {
    if (name.trim() === '') return t('memberErrName');
    if (name.length > 200) return t('memberErrNameLong');
    if (contact.length > 200) return t('memberErrContactLong');
    if (!allSites && chosen.length === 0) return t('memberErrSites');
    if (ageChecked) {
      if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(ageDate) || Number.isNaN(Date.parse(`${ageDate}T00:00:00Z`))) return t('memberErrAgeDate');
      if (ageDate > today()) return t('memberErrAgeFuture');
    }
    return null;
  };

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const problem = check();
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await props.onSave({
        name: name.trim(),
        contact: contact.trim() === '' ? null : contact.trim(),
        role,
        sites: allSites ? 'all' : chosen,
        ageVerified: ageChecked ? { method: ageMethod, date: ageDate } : null,
      });
    } catch (e) {
      setError(memberErrorText(t, lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel member-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="member-form-heading" data-testid="member-form">
      <h2 id="member-form-heading">{m ? t('memberEditHeading', { name: m.name }) : t('memberNewHeading')}</h2>
      <label for="member-name">{t('memberName')}</label>
      <input id="member-name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="member-contact">{t('memberContact')}</label>
      <input id="member-contact" value={contact} onInput={(e) => setContact(e.currentTarget.value)} aria-describedby="member-contact-hint" />
      <p id="member-contact-hint" class="hint">
        {t('memberContactHint')}
      </p>
      <label for="member-role">{t('memberRole')}</label>
      <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as MemberInput['role'])}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`memberRole.${r}`)}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>{t('memberSites')}</legend>
        <label class="inline">
          <input type="radio" name="member-sites" checked={allSites} onChange={() => setAllSites(true)} /> {t('memberSitesAll')}
        </label>
        <label class="inline">
          <input type="radio" name="member-sites" checked={!allSites} onChange={() => setAllSites(false)} /> {t('memberSitesSome')}
        </label>
        {!allSites
          ? props.sites.map((s) => (
              <label class="inline indent" key={s}>
                <input
                  type="checkbox"
                  checked={chosen.includes(s)}
                  onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, s] : chosen.filter((x) => x !== s))}
                />{' '}
                {s}
              </label>
            ))
          : null}
      </fieldset>
      <fieldset>
        <legend>{t('memberAge')}</legend>
        <label class="inline">
          <input type="checkbox" checked={ageChecked} onChange={(e) => setAgeChecked(e.currentTarget.checked)} /> {t('memberAgeChecked')}
        </label>
        {ageChecked ? (
          <>
            <label for="member-age-method">{t('memberAgeMethod')}</label>
            <select id="member-age-method" value={ageMethod} onChange={(e) => setAgeMethod(e.currentTarget.value as AgeMethod)}>
              {AGE_METHODS.map((a) => (
                <option key={a} value={a}>
                  {t(`ageMethod.${a}`)}
                </option>
              ))}
            </select>
            <label for="member-age-date">{t('memberAgeDate')}</label>
            <input id="member-age-date" type="date" value={ageDate} max={today()} onInput={(e) => setAgeDate(e.currentTarget.value)} />
          </>
        ) : null}
        <p class="hint">{t('memberAgeHint')}</p>
      </fieldset>
      <div role="alert" class="message error" data-testid="member-form-error">
        {error ?? ''}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('memberSave')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
