import type { Ctx } from '../context.ts';

/** The kiosk cannot reach the controller (the live link is down): said plainly; it comes back by itself. */
export function Offline({ ctx }: { ctx: Pick<Ctx, 't'> }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="title" data-screen="offline" data-testid="offline" role="alert">
      <h1 id="title">
        <span aria-hidden="true">⚠ </span>
        {t('offline.title')}
      </h1>
      <p class="lead">{t('offline.lead')}</p>
      <p>{t('offline.help')}</p>
    </section>
  );
}

/** A technician took the kiosk out of service: customers see this instead of the choices. */
export function OutOfService({ ctx }: { ctx: Pick<Ctx, 't'> }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="title" data-screen="closed" data-testid="closed">
      <h1 id="title">
        <span aria-hidden="true">⛔ </span>
        {t('closed.title')}
      </h1>
      <p class="lead">{t('closed.lead')}</p>
      <p>{t('closed.help')}</p>
    </section>
  );
}
