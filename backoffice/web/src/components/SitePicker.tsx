/** Choose the point a per-point page shows; the choice goes into the address (`#/<page>/<site>`). */
import { useI18n } from '../i18n.ts';

export function SitePicker(props: { sites: string[] | null; siteId: string | null; page: string }) {
  const { t } = useI18n();
  if (props.sites === null) return <p role="status">{t('loading')}</p>;
  if (props.sites.length === 0) return <p>{t('fleetEmpty')}</p>;
  return (
    <div class="site-picker">
      <label for={`${props.page}-site`}>{t('sitePick')}</label>
      <select
        id={`${props.page}-site`}
        value={props.siteId ?? ''}
        onChange={(e) => {
          location.hash = `#/${props.page}/${encodeURIComponent(e.currentTarget.value)}`;
        }}
      >
        {props.siteId === null ? <option value="">{t('sitePickNone')}</option> : null}
        {props.sites.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </div>
  );
}
