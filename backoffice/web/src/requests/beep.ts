/**
 * A short two-tone signal by the Web Audio API for a new request (no audio file to load). The
 * context is created on first use; a browser that blocks audio until a click resumes it on the
 * operator's next click (the sign-in click usually came before).
 */
let ctx: AudioContext | null = null;

export function beep(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const t0 = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.2);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + i * 0.2 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.2 + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + i * 0.2);
      osc.stop(t0 + i * 0.2 + 0.2);
    }
  } catch {
    /* no audio output: the pop-up is still shown */
  }
}
