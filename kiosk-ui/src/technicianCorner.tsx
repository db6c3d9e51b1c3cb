import { useEffect } from 'preact/hooks';

/** The corner (px from the top-left) that, held, opens technician mode. */
export const CORNER_PX = 64;

/**
 * The hidden way into technician mode: holding the top-left corner of the screen for `holdMs`
 * (default 3 s). No element of its own (nothing for customers to find or a screen reader to
 * announce, nothing covering the toolbar): a tap there still reaches whatever is under it.
 */
export function useCornerHold(holdMs: number, onHold: () => void): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const cancel = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    };
    const down = (e: PointerEvent): void => {
      cancel();
      if (e.clientX > CORNER_PX || e.clientY > CORNER_PX) return;
      timer = setTimeout(() => {
        timer = null;
        onHold();
      }, holdMs);
    };
    const move = (e: PointerEvent): void => {
      if (timer !== null && (e.clientX > CORNER_PX || e.clientY > CORNER_PX)) cancel();
    };
    window.addEventListener('pointerdown', down, true);
    window.addEventListener('pointermove', move, true);
    window.addEventListener('pointerup', cancel, true);
    window.addEventListener('pointercancel', cancel, true);
    return () => {
      cancel();
      window.removeEventListener('pointerdown', down, true);
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', cancel, true);
      window.removeEventListener('pointercancel', cancel, true);
    };
  }, [holdMs]);
}
