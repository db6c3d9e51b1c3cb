/** The requests panel's words (German first, English), kept beside the panel; the language is the app's (i18n.ts). */
import { useI18n, type Lang } from '../i18n.ts';

const de = {
  heading: 'Anfragen von den Kiosken',
  none: 'Keine offenen Anfragen.',
  newRequests: '{n} neue Anfrage(n)',
  mute: 'Ton stumm',
  muteOn: ': ja',
  muteOff: ': nein',
  muteLabel: 'Signalton für neue Anfragen',
  help: 'Hilfe-Anfrage',
  helpAt: '{site}: Hilfe gerufen um {time} Uhr (Bildschirm „{screen}“)',
  age: 'Altersprüfung ab {age}',
  ageAt: '{site}: Einkauf wartet auf Freigabe, noch {seconds} s',
  ageExpired: '{site}: Frist abgelaufen',
  approve: 'Freigeben',
  decline: 'Ablehnen',
  releaseDoor: 'Tür öffnen',
  answered: 'Erledigt',
  sent: 'Gesendet, gültig bis {time} Uhr.',
  confirmTitle: 'Tür von {site} öffnen?',
  confirmText: 'Die Tür wird für einige Sekunden entriegelt. Nur öffnen, wenn Sie wissen, wer davor steht.',
  confirmYes: 'Ja, Tür öffnen',
  confirmNo: 'Abbrechen',
  errDeadline: 'Zu spät: Die Frist dieser Altersprüfung ist abgelaufen.',
  errNotOnline: 'Der Dorfpunkt ist nicht online; nichts wurde gesendet.',
  errTotp: 'Dafür ist eine Anmeldung mit zweitem Faktor nötig.',
  errOther: 'Das hat nicht geklappt: {message}',
};
type Key = keyof typeof de;

const en: Record<Key, string> = {
  heading: 'Requests from the kiosks',
  none: 'No open requests.',
  newRequests: '{n} new request(s)',
  mute: 'Mute sound',
  muteOn: ': yes',
  muteOff: ': no',
  muteLabel: 'Sound for new requests',
  help: 'Help request',
  helpAt: '{site}: help called at {time} (screen “{screen}”)',
  age: 'Age check {age}+',
  ageAt: '{site}: a purchase waits for approval, {seconds} s left',
  ageExpired: '{site}: time is up',
  approve: 'Approve',
  decline: 'Decline',
  releaseDoor: 'Release door',
  answered: 'Done',
  sent: 'Sent, valid until {time}.',
  confirmTitle: 'Release the door of {site}?',
  confirmText: 'The door is unlocked for a few seconds. Only release it when you know who is standing there.',
  confirmYes: 'Yes, release the door',
  confirmNo: 'Cancel',
  errDeadline: 'Too late: the time for this age check is up.',
  errNotOnline: 'The point is not online; nothing was sent.',
  errTotp: 'This needs a sign-in with the second factor.',
  errOther: 'That did not work: {message}',
};

export type RT = (key: Key, params?: Record<string, string | number>) => string;

export function requestsText(lang: Lang): RT {
  const m = lang === 'en' ? en : de;
  return (key, params) => m[key].replace(/\{(\w+)\}/g, (s, name: string) => (params && name in params ? String(params[name]) : s));
}

export function useRequestsText(): { rt: RT; lang: Lang } {
  const { lang } = useI18n();
  return { rt: requestsText(lang), lang };
}
