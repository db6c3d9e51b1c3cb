import type { Ctx } from '../context.ts';

export function Welcome({ ctx }: { ctx: Ctx }) {
  const { t, go } = ctx;
  return (
    <section aria-labelledby="title" data-screen="welcome">
      <h1 id="title">{t('welcome.title')}</h1>
      <p class="lead">{t('welcome.lead')}</p>
      <div class="choices">
        <button class="big" onClick={() => go('shop')}>
          <span aria-hidden="true" class="icon">
            ▤
          </span>
          <span class="label">{t('welcome.shop')}</span>
          <span class="hint">{t('welcome.shopHint')}</span>
        </button>
        <button class="big" onClick={() => go('pickup')}>
          <span aria-hidden="true" class="icon">
            ⇩
          </span>
          <span class="label">{t('welcome.pickup')}</span>
          <span class="hint">{t('welcome.pickupHint')}</span>
        </button>
        <button class="big" onClick={() => go('courier')}>
          <span aria-hidden="true" class="icon">
            ⇧
          </span>
          <span class="label">{t('welcome.courier')}</span>
          <span class="hint">{t('welcome.courierHint')}</span>
        </button>
        <button class="big" onClick={() => go('help')}>
          <span aria-hidden="true" class="icon">
            ?
          </span>
          <span class="label">{t('welcome.help')}</span>
          <span class="hint">{t('welcome.helpHint')}</span>
        </button>
      </div>
    </section>
  );
}
