import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Inactivity on a screen other than the welcome screen: after `idleMs` without a touch or key the
 * warning phase starts (`onWarn`), counting down from `warnMs`; `extend()` ("Mehr Zeit") or any
 * input before the warning restarts the wait; while it shows, only its button extends (a touch
 * elsewhere does not silently dismiss it); at zero `onTimeout` runs. Returns the seconds left while warning.
 * A screen waiting on something the customer does elsewhere (paying on the phone) dispatches
 * `KIOSK_BUSY` on window: it counts as input (the point's own payment time limit still applies).
 */
export const KIOSK_BUSY = 'kiosk:busy';

export function useInactivity(
  active: boolean,
  idleMs: number,
  warnMs: number,
  onWarn: () => void,
  onTimeout: () => void,
): { secondsLeft: number | null; extend: () => void } {
  const [lastInput, setLastInput] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [warned, setWarned] = useState(false);
  const warningShown = useRef(false);

  useEffect(() => {
    const input = (): void => {
      if (!warningShown.current) setLastInput(Date.now());
    };
    const events = ['pointerdown', 'keydown', KIOSK_BUSY] as const;
    for (const e of events) window.addEventListener(e, input, true);
    return () => {
      for (const e of events) window.removeEventListener(e, input, true);
    };
  }, []);

  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [active]);

  const idle = active ? now - lastInput : 0;
  const warning = active && idle >= idleMs;
  warningShown.current = warning;
  useEffect(() => {
    if (warning && !warned) {
      setWarned(true);
      onWarn();
    }
    if (!warning && warned) setWarned(false);
    if (warning && idle >= idleMs + warnMs) {
      setLastInput(Date.now());
      onTimeout();
    }
  });
  useEffect(() => setLastInput(Date.now()), [active]);

  return {
    secondsLeft: warning ? Math.max(0, Math.ceil((idleMs + warnMs - idle) / 1000)) : null,
    extend: () => {
      warningShown.current = false;
      setLastInput(Date.now());
    },
  };
}
