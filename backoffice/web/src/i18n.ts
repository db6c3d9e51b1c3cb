/**
 * The web app's words, German first; English by the language button or `?lang=en` (remembered in
 * localStorage). `{name}` placeholders are filled by `t(key, {name: …})`.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { operationsDe, operationsEn } from './i18nOperations.ts';

export type Lang = 'de' | 'en';

const de = {
  appName: 'dorfpunkt Backoffice',
  switchLanguage: 'English',
  switchLanguageLabel: 'Switch to English',
  skipToContent: 'Zum Inhalt springen',
  signIn: 'Anmelden',
  signInHeading: 'Anmelden',
  signInIntro: 'Für Betreiberinnen und Betreiber der Dorfpunkte.',
  username: 'Benutzername',
  password: 'Passwort',
  totp: 'Code aus der Authenticator-App',
  totpHint: '6 Ziffern; nur nötig, wenn Ihre Rolle einen zweiten Faktor hat.',
  signingIn: 'Anmeldung läuft …',
  errInvalid: 'Benutzername, Passwort oder Code ist falsch.',
  errTotpRequired: 'Bitte den 6-stelligen Code aus der Authenticator-App eingeben.',
  errLocked: 'Zu viele Fehlversuche. Bitte in {seconds} s erneut versuchen (ab {time} Uhr).',
  errLockedNoTime: 'Zu viele Fehlversuche. Bitte später erneut versuchen.',
  errNetwork: 'Keine Verbindung zum Backoffice. Bitte die Netzwerkverbindung prüfen.',
  errSessionEnded: 'Die Sitzung ist abgelaufen. Bitte erneut anmelden.',
  errEnrolment: 'Für dieses Konto ist noch kein zweiter Faktor eingerichtet. Bitte einen Admin um die Einrichtung bitten.',
  errForbidden: 'Keine Berechtigung für diese Ansicht.',
  errOther: 'Das hat nicht geklappt: {message}',
  signOut: 'Abmelden',
  signedInAs: 'Angemeldet als {name}',
  fleetHeading: 'Dorfpunkte',
  fleetEmpty: 'Noch kein Dorfpunkt hat sich gemeldet.',
  fleetSummary: '{total} Dorfpunkte: {online} online, {offline} offline',
  fleetCriticalNone: 'keine kritischen Alarme',
  fleetCriticalOne: '1 kritischer Alarm',
  fleetCritical: '{n} kritische Alarme',
  updatedAt: 'Stand {time} Uhr, aktualisiert alle 3 s',
  connectionLost: 'Verbindung unterbrochen; die Angaben sind von {time} Uhr.',
  online: 'online',
  offline: 'offline',
  unknownStatus: 'unbekannt',
  lastSeen: 'zuletzt gesehen {ago}',
  neverSeen: 'noch nie gesehen',
  agoSeconds: 'vor {n} s',
  agoMinutes: 'vor {n} min',
  agoHours: 'vor {n} h',
  agoDays: 'vor {n} Tagen',
  diverged: 'Ledger ersetzt: Ereignisse werden zurückgehalten',
  openAlarms: 'Offene Alarme',
  critical: 'kritisch',
  warning: 'Warnung',
  info: 'Info',
  unacknowledged: '{n} nicht quittiert',
  door: 'Tür',
  doorOpen: 'offen',
  doorClosed: 'zu',
  doorUnknown: 'unbekannt',
  doorFire: 'Feueralarm',
  doorFaulted: 'Störung',
  fridges: 'Kühlung',
  noFridges: 'keine',
  fridgeLimit: 'Grenze {limit}',
  fridgeAbove: 'zu warm',
  fridgeBlocked: 'gesperrt',
  fridgeNoReading: 'kein Messwert',
  lockers: 'Fächer',
  noLockers: 'keine gemeldet',
  lockersSummary: '{occupied} belegt, {reserved} reserviert, {free} frei (von {total} gemeldeten Fächern)',
  lockersOut: '{n} außer Betrieb',
  lockersUncollected: '{n} nicht abgeholt',
  backlog: 'Rückstand',
  backlogNone: 'keiner',
  backlogUnknown: 'unbekannt',
  backlogMissing: '{n} Ereignisse noch nicht angekommen',
  lastBatch: 'letzte Daten {ago}',
  showAlarms: 'Alarme von {site}',
  alarmsHeading: 'Alarme: {site}',
  backToFleet: 'Zurück zur Übersicht',
  alarmsEmpty: 'Keine Alarme.',
  alarmSince: 'seit {time}',
  alarmStateOpen: 'offen',
  alarmStateAcked: 'quittiert von {by}',
  alarmStateCleared: 'behoben {time}',
  unknownSite: 'Diesen Dorfpunkt gibt es nicht.',
  loading: 'Wird geladen …',
  'alarm.door.forced-open': 'Tür aufgebrochen',
  'alarm.door.held-open': 'Tür zu lange offen',
  'alarm.door.fire': 'Feueralarm',
  ...operationsDe,
} as const;

export type MessageKey = keyof typeof de;

const en: Record<MessageKey, string> = {
  appName: 'dorfpunkt back office',
  switchLanguage: 'Deutsch',
  switchLanguageLabel: 'Auf Deutsch umschalten',
  skipToContent: 'Skip to content',
  signIn: 'Sign in',
  signInHeading: 'Sign in',
  signInIntro: 'For the operators of the village points.',
  username: 'Username',
  password: 'Password',
  totp: 'Code from the authenticator app',
  totpHint: '6 digits; needed only if your role has a second factor.',
  signingIn: 'Signing in …',
  errInvalid: 'Username, password or code is wrong.',
  errTotpRequired: 'Please enter the 6-digit code from your authenticator app.',
  errLocked: 'Too many failed attempts. Please try again in {seconds} s (at {time}).',
  errLockedNoTime: 'Too many failed attempts. Please try again later.',
  errNetwork: 'No connection to the back office. Please check the network.',
  errSessionEnded: 'Your session has ended. Please sign in again.',
  errEnrolment: 'This account has no second factor set up yet. Please ask an admin to set it up.',
  errForbidden: 'You may not see this view.',
  errOther: 'That did not work: {message}',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  fleetHeading: 'Village points',
  fleetEmpty: 'No point has reported yet.',
  fleetSummary: '{total} points: {online} online, {offline} offline',
  fleetCriticalNone: 'no critical alarms',
  fleetCriticalOne: '1 critical alarm',
  fleetCritical: '{n} critical alarms',
  updatedAt: 'As of {time}, refreshed every 3 s',
  connectionLost: 'Connection lost; the data is from {time}.',
  online: 'online',
  offline: 'offline',
  unknownStatus: 'unknown',
  lastSeen: 'last seen {ago}',
  neverSeen: 'never seen',
  agoSeconds: '{n} s ago',
  agoMinutes: '{n} min ago',
  agoHours: '{n} h ago',
  agoDays: '{n} days ago',
  diverged: 'Ledger replaced: events are held back',
  openAlarms: 'Open alarms',
  critical: 'critical',
  warning: 'warning',
  info: 'info',
  unacknowledged: '{n} not acknowledged',
  door: 'Door',
  doorOpen: 'open',
  doorClosed: 'closed',
  doorUnknown: 'unknown',
  doorFire: 'fire alarm',
  doorFaulted: 'fault',
  fridges: 'Cooling',
  noFridges: 'none',
  fridgeLimit: 'limit {limit}',
  fridgeAbove: 'too warm',
  fridgeBlocked: 'blocked',
  fridgeNoReading: 'no reading',
  lockers: 'Lockers',
  noLockers: 'none reported',
  lockersSummary: '{occupied} occupied, {reserved} reserved, {free} free (of {total} compartments reported)',
  lockersOut: '{n} out of service',
  lockersUncollected: '{n} not collected',
  backlog: 'Backlog',
  backlogNone: 'none',
  backlogUnknown: 'unknown',
  backlogMissing: '{n} events not yet arrived',
  lastBatch: 'last data {ago}',
  showAlarms: 'Alarms of {site}',
  alarmsHeading: 'Alarms: {site}',
  backToFleet: 'Back to the overview',
  alarmsEmpty: 'No alarms.',
  alarmSince: 'since {time}',
  alarmStateOpen: 'open',
  alarmStateAcked: 'acknowledged by {by}',
  alarmStateCleared: 'cleared {time}',
  unknownSite: 'There is no such point.',
  loading: 'Loading …',
  'alarm.door.forced-open': 'Door forced open',
  'alarm.door.held-open': 'Door held open too long',
  'alarm.door.fire': 'Fire alarm',
  ...operationsEn,
};

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { de, en };

export type Params = Record<string, string | number>;
export type T = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): T {
  return (key, params) => MESSAGES[lang][key].replace(/\{(\w+)\}/g, (m, name: string) => (params && name in params ? String(params[name]) : m));
}

/** A translated alarm kind (`alarm.<source>.<kind>`), or null when the UI has no words for it. */
export function alarmKindText(lang: Lang, source: string, kind: string): string | null {
  const key = `alarm.${source}.${kind}`;
  return key in de ? MESSAGES[lang][key as MessageKey] : null;
}

/** `?lang=en|de` wins, then the remembered choice, then German. */
export function initialLang(search: string, remembered: string | null): Lang {
  const q = new URLSearchParams(search).get('lang');
  if (q === 'en' || q === 'de') return q;
  return remembered === 'en' ? 'en' : 'de';
}

export interface I18n {
  lang: Lang;
  t: T;
}

export const I18nContext = createContext<I18n>({ lang: 'de', t: translator('de') });
export const useI18n = (): I18n => useContext(I18nContext);
