/**
 * Members: search the list, create and edit (name, contact, role, points, age verified in person —
 * how and when only, never document data), issue a QR code or a card (UID + PIN; shown this once),
 * revoke a credential after confirming with a reason, and download the printable card sheet (PDF)
 * for the selected members. Input is checked here with clear messages before anything is sent; the
 * API checks it again and changes nothing on a refusal.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api.ts';
import { operationsApi, type Member } from '../operationsApi.ts';
import { useI18n } from '../i18n.ts';
import { MemberCard } from '../members/MemberCard.tsx';
import { MemberForm } from '../members/MemberForm.tsx';
import { memberErrorText, validNow } from '../members/memberText.ts';
import '../operations.css';

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
