/** Loads now and then every `intervalMs` (3 s for live views); keeps the last good answer when a load fails. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export interface Polled<T> {
  data: T | null;
  /** When `data` was loaded (browser clock). */
  loadedAt: number | null;
  error: unknown;
}

export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: null, loadedAt: null, error: null });
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      try {
        const data = await load();
        if (alive) setState({ data, loadedAt: Date.now(), error: null });
      } catch (error) {
        if (alive) setState((s) => ({ ...s, error }));
      }
      // The next load starts after this one ended: a slow answer never piles requests up.
      if (alive) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}

/** A 401 while polling means the session ended (idle 30 min, 12 h, signed out elsewhere): back to sign-in. */
export function useSessionGuard(error: unknown, onSessionEnded: () => void): void {
  useEffect(() => {
    if (error instanceof ApiError && error.status === 401) onSessionEnded();
  }, [error]);
}
