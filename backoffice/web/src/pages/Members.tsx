/**
 * Members: search the list, create and edit (name, contact, role, points, age verified in person —
 * how and when only, never document data), issue a QR code or a card (UID + PIN; shown this once),
 * revoke a credential after confirming with a reason, and download the printable card sheet (PDF)
 * for the selected members. Input is checked here with clear messages before anything is sent; the
 * API checks it again and changes nothing on a refusal.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api.ts';
import { operationsApi, type Credential, type Member, type MemberInput } from '../operationsApi.ts';
import { errorText } from '../errors.ts';
import { useI18n, type Lang, type MessageKey, type T } from '../i18n.ts';
import { QrCode } from '../components/QrCode.tsx';
import { CARD_UID_PATTERN, PIN_PATTERN } from '../../../../controller/contract/credentialFormats.ts';
import '../operations.css';

type AgeMethod = 'id-card-seen' | 'passport-seen' | 'known-personally';
const AGE_METHODS: readonly AgeMethod[] = ['id-card-seen', 'passport-seen', 'known-personally'];
const ROLES = ['member', 'courier', 'operator'] as const;

/** The API's refusal codes of the member routes, as sentences. */
const MEMBER_ERRORS: Record<string, MessageKey> = {
  'unknown-site': 'memberErrUnknownSite',
  'bad-date': 'memberErrAgeDate',
  'card-in-use': 'memberErrCardInUse',
  revoked: 'memberErrRevoked',
  'no-token': 'memberErrNoToken',
  'no-signing-key': 'memberErrNoSigningKey',
  'bad-credential': 'memberErrCardUid',
  'not-found': 'memberErrNotFound',
};

export function memberErrorText(t: T, lang: Lang, e: unknown): string {
  const key = e instanceof ApiError ? MEMBER_ERRORS[e.code] : undefined;
  return key ? t(key) : errorText(t, lang, e, Date.now());
}

const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const dateText = (lang: Lang, ms: number): string => new Date(ms).toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB');

export function MembersPage(props: { api: ApiClient; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const ops = useMemo(() => operationsApi(props.api), [props.api]);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [sites, setSites] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Member | 'new' | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const fail = (e: unknown): void => {
    if (e instanceof ApiError && e.status === 401) props.onSessionEnded();
    else setError(memberErrorText(t, lang, e));
  };
  const reload = async (): Promise<void> => {
    try {
      setMembers(await ops.members());
    } catch (e) {
      fail(e);
    }
  };
  useEffect(() => {
    void reload();
    ops.sites().then(setSites, fail);
  }, [ops]);

  const q = query.trim().toLowerCase();
  const shown = (members ?? []).filter((m) => q === '' || m.name.toLowerCase().includes(q) || (m.contact ?? '').toLowerCase().includes(q));

  const toggle = (id: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  const printCards = async (): Promise<void> => {
    setError(null);
    setNotice(null);
    const ids = [...selected];
    if (ids.length === 0) {
      setError(t('cardsNoneSelected'));
      return;
    }
    if (ids.length > 40) {
      setError(t('cardsTooMany'));
      return;
    }
    const withoutQr = (members ?? []).filter((m) => selected.has(m.id) && !m.credentials.some((c) => c.kind === 'token' && validNow(c)));
    if (withoutQr.length > 0) {
      setError(t('cardsNoQr', { names: withoutQr.map((m) => m.name).join(', ') }));
      return;
    }
    try {
      const res = await fetch(ops.cardsUrl(ids), { credentials: 'same-origin' });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
        throw new ApiError(res.status, body.error ?? 'error', body.message ?? `HTTP ${res.status}`);
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'mitgliedskarten.pdf';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setNotice(t('cardsDownloaded', { n: ids.length }));
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section aria-labelledby="members-heading" class="operations">
      <h1 id="members-heading">{t('membersHeading')}</h1>
      <div class="toolbar">
        <div class="grow">
          <label for="member-search">{t('memberSearch')}</label>
          <input id="member-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <button
          type="button"
          onClick={() => {
            setNotice(null);
            setError(null);
            setEditing('new');
          }}
        >
          {t('memberNew')}
        </button>
        <button type="button" onClick={() => void printCards()} data-testid="print-cards">
          {t('cardsPrint', { n: selected.size })}
        </button>
      </div>
      <div role="alert" class="message error" data-testid="members-error">
        {error ?? ''}
      </div>
      <div role="status" class="message info" data-testid="members-notice">
        {notice ?? ''}
      </div>
      {editing !== null ? (
        <MemberForm
          member={editing === 'new' ? null : editing}
          sites={sites}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            const saved = editing === 'new' ? await ops.createMember(input) : await ops.updateMember(editing.id, input);
            setEditing(null);
            setNotice(t('memberSaved', { name: saved.name }));
            await reload();
          }}
        />
      ) : null}
      {members === null ? <p role="status">{t('loading')}</p> : null}
      {members !== null && shown.length === 0 ? <p>{members.length === 0 ? t('membersEmpty') : t('membersNoMatch')}</p> : null}
      <ul class="plain member-list" data-testid="member-list">
        {shown.map((m) => (
          <li key={m.id}>
            <MemberCard
              member={m}
              selected={selected.has(m.id)}
              onSelect={(on) => toggle(m.id, on)}
              onEdit={() => {
                setNotice(null);
                setEditing(m);
              }}
              ops={ops}
              onChanged={reload}
              onSessionEnded={props.onSessionEnded}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function validNow(c: Credential): boolean {
  return c.revokedAt === null && (c.expiresAt === null || c.expiresAt > Date.now());
}

function MemberForm(props: { member: Member | null; sites: string[]; onCancel: () => void; onSave: (input: MemberInput) => Promise<void> }) {
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

type Issued = { kind: 'token'; token: string } | { kind: 'card'; cardUid: string; pin: string };

function MemberCard(props: {
  member: Member;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onEdit: () => void;
  ops: ReturnType<typeof operationsApi>;
  onChanged: () => Promise<void>;
  onSessionEnded: () => void;
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
        <button type="button" onClick={props.onEdit}>
          {t('memberEdit')}
        </button>
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
    </article>
  );
}
