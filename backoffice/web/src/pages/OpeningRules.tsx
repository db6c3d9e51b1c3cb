/**
 * Opening rules of one point: Bundesland (public holidays), weekly windows per audience (everyone /
 * members only), how holidays count, dated exceptions (closed or other windows), the Sunday cap and
 * courier access. Saving sends the typed `opening-rules` change to that point (audited); the next
 * 14 days below are computed by the backoffice with the point's own engine. Common mistakes are
 * named here before sending; the API applies the point's full check and changes nothing on a refusal.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api.ts';
import { operationsApi, type Preview, type Rules, type SiteRules } from '../operationsApi.ts';
import { errorText } from '../errors.ts';
import { useI18n, type MessageKey, type T } from '../i18n.ts';
import { clockTime } from '../format.ts';
import { SitePicker } from '../components/SitePicker.tsx';
import { BUNDESLAENDER, type OpeningWindow } from '../../../../controller/contract/changes/openingRules.ts';
import '../operations.css';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** Proper names, the same in every language. */
const LAENDER: Record<(typeof BUNDESLAENDER)[number], string> = {
  BW: 'Baden-Württemberg',
  BY: 'Bayern',
  BE: 'Berlin',
  BB: 'Brandenburg',
  HB: 'Bremen',
  HH: 'Hamburg',
  HE: 'Hessen',
  MV: 'Mecklenburg-Vorpommern',
  NI: 'Niedersachsen',
  NW: 'Nordrhein-Westfalen',
  RP: 'Rheinland-Pfalz',
  SL: 'Saarland',
  SN: 'Sachsen',
  ST: 'Sachsen-Anhalt',
  SH: 'Schleswig-Holstein',
  TH: 'Thüringen',
};

const TIME = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
const minutesOf = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Minutes covered by the union of the windows (the Sunday cap counts these). */
function openMinutes(windows: readonly OpeningWindow[]): number {
  const covered = new Set<number>();
  for (const w of windows) for (let m = minutesOf(w.from); m < minutesOf(w.to); m++) covered.add(m);
  return covered.size;
}

/** The first mistake in the draft as a sentence, or null. */
export function draftProblem(t: T, r: Rules): string | null {
  const checkWindows = (windows: readonly OpeningWindow[], where: string): string | null => {
    for (const [i, w] of windows.entries()) {
      const at = t('rulesWindowAt', { where, n: i + 1 });
      if (!TIME.test(w.from) || !TIME.test(w.to)) return t('rulesErrTime', { at });
      if (minutesOf(w.from) >= minutesOf(w.to)) return t('rulesErrOrder', { at });
    }
    return null;
  };
  for (const d of WEEKDAYS) {
    const p = checkWindows(r.weekly[d], t(`weekday.${d}`));
    if (p) return p;
  }
  if (r.holidays === 'own-windows') {
    const p = checkWindows(r.holidayWindows ?? [], t('rulesHolidayWindows'));
    if (p) return p;
  }
  const cap = r.sundayCapMinutes;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 0 || cap > 1440)) return t('rulesErrCap');
  if (cap !== undefined && openMinutes(r.weekly.sun) > cap) return t('rulesErrSundayCap', { open: openMinutes(r.weekly.sun), cap });
  const seen = new Set<string>();
  for (const [i, e] of (r.exceptions ?? []).entries()) {
    const where = t('rulesExceptionAt', { n: i + 1 });
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(e.date) || Number.isNaN(Date.parse(`${e.date}T00:00:00Z`))) return t('rulesErrExceptionDate', { where });
    if (seen.has(e.date)) return t('rulesErrExceptionTwice', { date: e.date });
    seen.add(e.date);
    const p = checkWindows(e.windows, where);
    if (p) return p;
  }
  return null;
}

const clone = (r: Rules): Rules => JSON.parse(JSON.stringify(r)) as Rules;

export function OpeningRulesPage(props: { api: ApiClient; siteId: string | null; onSessionEnded: () => void }) {
  const { t, lang } = useI18n();
  const ops = useMemo(() => operationsApi(props.api), [props.api]);
  const [sites, setSites] = useState<string[] | null>(null);
  const [loaded, setLoaded] = useState<SiteRules | null>(null);
  const [draft, setDraft] = useState<Rules | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (e: unknown): void => {
    if (e instanceof ApiError && e.status === 401) return props.onSessionEnded();
    setError(e instanceof ApiError && e.code === 'bad-opening-rules' ? t('rulesRefused', { detail: e.message }) : errorText(t, lang, e, Date.now()));
  };
  useEffect(() => {
    ops.sites().then(setSites, fail);
  }, [ops]);
  useEffect(() => {
    setLoaded(null);
    setDraft(null);
    setPreview(null);
    setError(null);
    setNotice(null);
    if (props.siteId === null) return;
    const siteId = props.siteId;
    Promise.all([ops.openingRules(siteId), ops.preview(siteId)]).then(([r, p]) => {
      setLoaded(r);
      setDraft(clone(r.rules));
      setPreview(p);
    }, fail);
  }, [ops, props.siteId]);

  const change = (f: (r: Rules) => void): void => {
    if (!draft) return;
    const next = clone(draft);
    f(next);
    setDraft(next);
    setNotice(null);
  };

  const save = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    if (!draft || props.siteId === null) return;
    setNotice(null);
    const problem = draftProblem(t, draft);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const saved = await ops.saveOpeningRules(props.siteId, draft);
      setLoaded(saved);
      setDraft(clone(saved.rules));
      setPreview(await ops.preview(props.siteId));
      setNotice(t('rulesSaved', { site: props.siteId, version: saved.saved?.version ?? 0 }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="rules-heading" class="operations">
      <h1 id="rules-heading">{props.siteId ? t('rulesHeadingSite', { site: props.siteId }) : t('rulesHeading')}</h1>
      <SitePicker sites={sites} siteId={props.siteId} page="opening-rules" />
      {props.siteId !== null && !draft && !error ? <p role="status">{t('loading')}</p> : null}
      {loaded ? (
        <p class="muted" data-testid="rules-state">
          {loaded.saved
            ? t(loaded.saved.applied ? 'rulesStateApplied' : 'rulesStatePending', {
                time: clockTime(lang, loaded.saved.at),
                by: loaded.saved.by ?? '—',
                version: loaded.saved.version,
              })
            : t('rulesStateDefault')}
        </p>
      ) : null}
      {draft ? (
        <form class="panel rules-form" onSubmit={(e) => void save(e)} noValidate data-testid="rules-form">
          <label for="rules-state">{t('rulesBundesland')}</label>
          <select id="rules-state" value={draft.state} onChange={(e) => change((r) => (r.state = e.currentTarget.value as Rules['state']))}>
            {BUNDESLAENDER.map((b) => (
              <option key={b} value={b}>
                {LAENDER[b]}
              </option>
            ))}
          </select>
          <h2>{t('rulesWeekly')}</h2>
          {WEEKDAYS.map((d) => (
            <WindowsEditor
              key={d}
              id={`w-${d}`}
              legend={t(`weekday.${d}`)}
              windows={draft.weekly[d]}
              onChange={(ws) => change((r) => (r.weekly[d as Weekday] = ws))}
            />
          ))}
          <label for="rules-holidays">{t('rulesHolidays')}</label>
          <select
            id="rules-holidays"
            value={draft.holidays ?? 'like-sunday'}
            onChange={(e) =>
              change((r) => {
                r.holidays = e.currentTarget.value as NonNullable<Rules['holidays']>;
                if (r.holidays === 'own-windows') r.holidayWindows ??= [];
              })
            }
          >
            {(['like-sunday', 'own-windows', 'ignore'] as const).map((h) => (
              <option key={h} value={h}>
                {t(`rulesHolidays.${h}`)}
              </option>
            ))}
          </select>
          {draft.holidays === 'own-windows' ? (
            <WindowsEditor
              id="w-holiday"
              legend={t('rulesHolidayWindows')}
              windows={draft.holidayWindows ?? []}
              onChange={(ws) => change((r) => (r.holidayWindows = ws))}
            />
          ) : null}
          <label for="rules-cap">{t('rulesSundayCap')}</label>
          <input
            id="rules-cap"
            inputMode="numeric"
            value={draft.sundayCapMinutes === undefined ? '' : String(draft.sundayCapMinutes)}
            aria-describedby="rules-cap-hint"
            onInput={(e) =>
              change((r) => {
                const v = e.currentTarget.value.trim();
                if (v === '') delete r.sundayCapMinutes;
                else r.sundayCapMinutes = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
              })
            }
          />
          <p id="rules-cap-hint" class="hint">
            {t('rulesSundayCapHint')}
          </p>
          <label for="rules-couriers">{t('rulesCouriers')}</label>
          <select
            id="rules-couriers"
            value={draft.couriers ?? 'always'}
            onChange={(e) => change((r) => (r.couriers = e.currentTarget.value as NonNullable<Rules['couriers']>))}
          >
            <option value="always">{t('rulesCouriers.always')}</option>
            <option value="opening-hours">{t('rulesCouriers.opening-hours')}</option>
          </select>
          <h2>{t('rulesExceptions')}</h2>
          <p class="hint">{t('rulesExceptionsHint')}</p>
          {(draft.exceptions ?? []).map((ex, i) => (
            <fieldset key={i} class="exception" data-testid={`exception-${i}`}>
              <legend>{t('rulesExceptionAt', { n: i + 1 })}</legend>
              <label for={`ex-${i}-date`}>{t('rulesExceptionDate')}</label>
              <input id={`ex-${i}-date`} type="date" value={ex.date} onInput={(e) => change((r) => (r.exceptions![i]!.date = e.currentTarget.value))} />
              <label for={`ex-${i}-note`}>{t('rulesExceptionNote')}</label>
              <input
                id={`ex-${i}-note`}
                value={ex.note ?? ''}
                maxLength={200}
                onInput={(e) =>
                  change((r) => {
                    const v = e.currentTarget.value;
                    if (v === '') delete r.exceptions![i]!.note;
                    else r.exceptions![i]!.note = v;
                  })
                }
              />
              <WindowsEditor
                id={`ex-${i}-w`}
                legend={t('rulesExceptionWindows')}
                windows={ex.windows}
                onChange={(ws) => change((r) => (r.exceptions![i]!.windows = ws))}
              />
              <button type="button" onClick={() => change((r) => r.exceptions!.splice(i, 1))}>
                {t('rulesExceptionRemove')}
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => change((r) => (r.exceptions = [...(r.exceptions ?? []), { date: '', windows: [] }]))}>
            {t('rulesExceptionAdd')}
          </button>
          <div role="alert" class="message error" data-testid="rules-error">
            {error ?? ''}
          </div>
          <div role="status" class="message info" data-testid="rules-notice">
            {notice ?? ''}
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('rulesSave')}
            </button>
            <button type="button" onClick={() => loaded && (setDraft(clone(loaded.rules)), setError(null))}>
              {t('rulesReset')}
            </button>
          </div>
        </form>
      ) : (
        <div role="alert" class="message error" data-testid="rules-error">
          {error ?? ''}
        </div>
      )}
      {preview ? <PreviewTable preview={preview} t={t} /> : null}
    </section>
  );
}

function WindowsEditor(props: { id: string; legend: string; windows: OpeningWindow[]; onChange: (ws: OpeningWindow[]) => void }) {
  const { t } = useI18n();
  const set = (i: number, w: Partial<OpeningWindow>): void => props.onChange(props.windows.map((x, j) => (j === i ? { ...x, ...w } : x)));
  return (
    <fieldset class="windows" data-testid={props.id}>
      <legend>{props.legend}</legend>
      {props.windows.length === 0 ? <p class="muted">{t('rulesClosedAllDay')}</p> : null}
      {props.windows.map((w, i) => (
        <div class="window-row" key={i}>
          <div>
            <label for={`${props.id}-${i}-from`}>{t('rulesFrom')}</label>
            <input
              id={`${props.id}-${i}-from`}
              inputMode="numeric"
              placeholder="06:00"
              maxLength={5}
              value={w.from}
              onInput={(e) => set(i, { from: e.currentTarget.value })}
            />
          </div>
          <div>
            <label for={`${props.id}-${i}-to`}>{t('rulesTo')}</label>
            <input
              id={`${props.id}-${i}-to`}
              inputMode="numeric"
              placeholder="22:00"
              maxLength={5}
              value={w.to}
              onInput={(e) => set(i, { to: e.currentTarget.value })}
            />
          </div>
          <div>
            <label for={`${props.id}-${i}-aud`}>{t('rulesAudience')}</label>
            <select id={`${props.id}-${i}-aud`} value={w.audience} onChange={(e) => set(i, { audience: e.currentTarget.value as OpeningWindow['audience'] })}>
              <option value="everyone">{t('audience.everyone')}</option>
              <option value="members">{t('audience.members')}</option>
            </select>
          </div>
          <button
            type="button"
            onClick={() => props.onChange(props.windows.filter((_, j) => j !== i))}
            aria-label={t('rulesWindowRemoveLabel', { where: props.legend, n: i + 1 })}
          >
            {t('rulesWindowRemove')}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => props.onChange([...props.windows, { from: '', to: '', audience: 'everyone' }])}>
        {t('rulesWindowAdd')}
      </button>
    </fieldset>
  );
}

function PreviewTable({ preview, t }: { preview: Preview; t: T }) {
  return (
    <section class="panel preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">{t('previewHeading')}</h2>
      <p class="hint">{t('previewHint')}</p>
      <table data-testid="preview">
        <thead>
          <tr>
            <th scope="col">{t('previewDay')}</th>
            <th scope="col">{t('previewOpen')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.days.map((d) => {
            const open = d.segments.filter((s) => s.audience !== 'closed');
            return (
              <tr key={d.date} data-testid={`preview-${d.date}`}>
                <th scope="row">
                  {t(`weekdayShort.${d.weekday}`)} {d.date.slice(8, 10)}.{d.date.slice(5, 7)}.
                  {d.holiday ? <span class="flag warning"> {d.holiday}</span> : null}
                  {d.exception ? <span class="flag info"> {t('previewException')}</span> : null}
                </th>
                <td data-testid="preview-open">
                  {open.length === 0
                    ? t('previewClosed')
                    : open.map((s) => t('previewSegment', { from: s.from, to: s.to, audience: t(`audience.${s.audience}` as MessageKey) })).join(', ')}
                  <DayBar segments={d.segments} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The day as a bar (00-24 h): the same facts as the text beside it, for a quick look. */
function DayBar({ segments }: { segments: Preview['days'][number]['segments'] }) {
  return (
    <svg class="daybar" viewBox="0 0 1440 12" preserveAspectRatio="none" aria-hidden="true">
      {segments.map((s, i) => (
        <rect key={i} class={`seg-${s.audience}`} x={minutesOf(s.from)} width={Math.max(1, minutesOf(s.to) - minutesOf(s.from))} y={0} height={12} />
      ))}
    </svg>
  );
}
