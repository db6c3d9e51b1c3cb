import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createKioskClient, type PointSnapshotData } from '../../controller/contract/kiosk/index.ts';
import { translator, type Lang } from './i18n/index.ts';
import type { Ctx, Screen } from './context.ts';
import type { KioskOptions } from './options.ts';
import { connectLive } from './live.ts';
import { useInactivity } from './inactivity.ts';
import { beep, speak } from './speech.ts';
import { Welcome } from './screens/Welcome.tsx';
import { Pickup } from './screens/Pickup.tsx';
import { Courier } from './screens/Courier.tsx';
import { Help } from './screens/Help.tsx';
import { Shop } from './shop/Shop.tsx';
import { Technician } from './screens/Technician.tsx';
import { Offline, OutOfService } from './screens/Unavailable.tsx';
import { useCornerHold } from './technicianCorner.tsx';

const SPOKEN_ON_ENTRY = { shop: 'speech.shop', pickup: 'speech.pickup', courier: 'speech.courier', help: 'speech.help' } as const;

/** The kiosk shell: settings bar, status banners from the live snapshot, the screen, the inactivity warning. */
export function App({ options }: { options: KioskOptions }) {
  const [lang, setLang] = useState<Lang>(options.lang);
  const [contrast, setContrast] = useState(false);
  const [speech, setSpeech] = useState(true);
  const [screen, setScreen] = useState<Screen>('welcome');
  const [from, setFrom] = useState<Screen>('welcome');
  const [up, setUp] = useState(true);
  const [state, setState] = useState<PointSnapshotData | null>(null);

  const t = useMemo(() => translator(lang), [lang]);
  const client = useMemo(() => createKioskClient({ lang }), [lang]);
  const scanListeners = useRef(new Set<(code: string) => void>());
  useEffect(
    () =>
      connectLive(location.origin, {
        onState: setState,
        onConnection: setUp,
        onScan: (code) => {
          for (const l of [...scanListeners.current]) l(code);
        },
      }),
    [],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, [lang, t]);
  useEffect(() => {
    document.documentElement.classList.toggle('contrast', contrast);
  }, [contrast]);

  const say = (text: string): void => {
    if (speech) speak(text, lang);
  };
  const go = (next: Screen): void => {
    if (next === 'help') setFrom(screen);
    setScreen(next);
    if (next !== 'welcome' && next !== 'technician') say(t(SPOKEN_ON_ENTRY[next]));
  };
  const idle = useInactivity(
    screen !== 'welcome' || lang !== options.lang || contrast || !speech,
    options.idleMs,
    options.warnMs,
    () => {
      beep();
      say(t('idle.spoken'));
    },
    () => {
      // the next person finds the kiosk as it starts: welcome screen, default language and settings
      setScreen('welcome');
      setLang(options.lang);
      setContrast(false);
      setSpeech(true);
    },
  );

  const toTechnician = useRef(() => undefined as void);
  toTechnician.current = () => go('technician');
  useCornerHold(options.techHoldMs, () => toTechnician.current());

  const noBackoffice = state?.sync ? !state.sync.connected : false;
  const lost = state ? state.hardware.filter((h) => h.status === 'lost').map((h) => h.name) : [];
  const broken = [...(state?.door.faulted ? [t('status.door')] : []), ...(lost.length > 0 ? [t('status.hardware')] : [])];
  const onScan = (l: (code: string) => void): (() => void) => {
    scanListeners.current.add(l);
    return () => scanListeners.current.delete(l);
  };
  const ctx: Ctx = { t, lang, client, say, go, from, noBackoffice, onScan, help: state?.help ?? null, ackedUpTo: state?.sync ? state.sync.lastAckSeq : null };
  const outOfService = state?.service?.outOfService === true && screen !== 'technician';

  return (
    <div class="app">
      <header class="toolbar" aria-label={t('toolbar.label')}>
        {screen !== 'welcome' ? (
          <button onClick={() => go('welcome')} data-testid="back">
            <span aria-hidden="true">← </span>
            {t('nav.back')}
          </button>
        ) : null}
        <span class="spacer" />
        <button onClick={() => setLang(lang === 'de' ? 'en' : 'de')} lang={t('toolbar.langName')} data-testid="lang">
          {t('toolbar.lang')}
        </button>
        <button aria-pressed={contrast} onClick={() => setContrast(!contrast)} data-testid="contrast">
          <span aria-hidden="true">◐ </span>
          {t('toolbar.contrast')}
        </button>
        <button aria-pressed={speech} onClick={() => setSpeech(!speech)} data-testid="speech">
          <span aria-hidden="true">{speech ? '♪ ' : '✕ '}</span>
          {t('toolbar.speech')}: {speech ? t('toolbar.on') : t('toolbar.off')}
        </button>
        {screen !== 'help' ? (
          <button onClick={() => go('help')} data-testid="help">
            <span aria-hidden="true">? </span>
            {t('nav.help')}
          </button>
        ) : null}
      </header>
      {up && broken.length > 0 ? (
        <p class="banner out-of-service" role="alert" data-testid="out-of-service">
          <span aria-hidden="true">⚠ </span>
          {t('status.outOfService', { what: broken.join(', ') })}
          {lost.length > 0 ? (
            <small class="technical">
              {' '}
              {t('status.technical')} {lost.join('; ')}
            </small>
          ) : null}
        </p>
      ) : null}
      {up && noBackoffice ? (
        <p class="banner notice" data-testid="no-backoffice">
          <span aria-hidden="true">ℹ </span>
          {t('status.noBackoffice')}
        </p>
      ) : null}
      <main>
        {!up ? <Offline ctx={ctx} /> : null}
        {up && outOfService ? <OutOfService ctx={ctx} /> : null}
        {up && !outOfService ? (
          <>
            {screen === 'welcome' ? <Welcome ctx={ctx} /> : null}
            {screen === 'shop' ? <Shop ctx={ctx} /> : null}
            {screen === 'pickup' ? <Pickup ctx={ctx} /> : null}
            {screen === 'courier' ? <Courier ctx={ctx} /> : null}
            {screen === 'help' ? <Help ctx={ctx} /> : null}
            {screen === 'technician' ? <Technician ctx={ctx} /> : null}
          </>
        ) : null}
      </main>
      {idle.secondsLeft !== null ? (
        <div class="overlay">
          <div role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text" class="dialog" data-testid="idle-warning">
            <h2 id="idle-title">{t('idle.title')}</h2>
            <p id="idle-text">{t('idle.text', { seconds: idle.secondsLeft })}</p>
            <button class="big primary" onClick={idle.extend} data-testid="idle-more" autoFocus>
              {t('idle.more')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
