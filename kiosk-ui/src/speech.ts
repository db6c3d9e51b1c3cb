/**
 * What the kiosk says and sounds: speech through the browser's speechSynthesis (on the Pi,
 * Chromium speaks with espeak-ng through speech-dispatcher) and a short beep through WebAudio.
 */
import type { Lang } from './i18n/index.ts';

export function speak(text: string, lang: Lang): void {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  synth.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang === 'en' ? 'en-GB' : 'de-DE';
  synth.speak(u);
}

let audio: AudioContext | undefined;

/** Two short tones (the inactivity warning). */
export function beep(): void {
  try {
    audio ??= new AudioContext();
    for (const [at, hz] of [
      [0, 880],
      [0.25, 660],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      gain.gain.value = 0.2;
      osc.frequency.value = hz;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.18);
    }
  } catch {
    // no audio output: the warning is still on screen (and spoken when speech works)
  }
}
