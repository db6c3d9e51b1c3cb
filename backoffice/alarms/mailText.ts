/**
 * The alarm e-mails' words: German, or English for users who chose English. One mail per alarm, or
 * one digest of the alarms held during quiet hours. Times in the user's time zone.
 */

export type MailLang = 'de' | 'en';

export interface MailAlarm {
  siteId: string;
  id: number;
  source: string;
  kind: string;
  severity: string;
  reason: string;
  since: number;
}

export interface MailContent {
  subject: string;
  text: string;
}

const WORDS = {
  de: {
    critical: 'Kritisch',
    warning: 'Warnung',
    info: 'Hinweis',
    site: 'Standort',
    alarm: 'Alarm',
    severity: 'Schwere',
    since: 'Seit',
    pointSays: 'Meldung des Punkts',
    open: 'Im Backoffice ansehen',
    digestSubject: (n: number) => (n === 1 ? '1 Alarm aus der Ruhezeit' : `${n} Alarme aus der Ruhezeit`),
    digestIntro: 'Diese Alarme kamen während Ihrer Ruhezeit und wurden bis zu deren Ende zurückgehalten:',
    footer: 'Diese E-Mail kommt vom dorfpunkt-Backoffice. Benachrichtigungen stellen Sie dort unter „Benachrichtigungen“ ein.',
  },
  en: {
    critical: 'Critical',
    warning: 'Warning',
    info: 'Notice',
    site: 'Point',
    alarm: 'Alarm',
    severity: 'Severity',
    since: 'Since',
    pointSays: 'The point reports',
    open: 'View in the backoffice',
    digestSubject: (n: number) => (n === 1 ? '1 alarm from your quiet hours' : `${n} alarms from your quiet hours`),
    digestIntro: 'These alarms came in during your quiet hours and were held until they ended:',
    footer: 'This e-mail comes from the dorfpunkt backoffice. Change your notifications there under "Notifications".',
  },
} as const;

const KINDS: Record<MailLang, Record<string, string>> = {
  de: {
    'door:held-open': 'Tür zu lange offen',
    'door:forced-open': 'Tür gewaltsam geöffnet',
    'door:fire': 'Feueralarm: Türen freigegeben',
    'fridge:temperature': 'Kühlung zu warm',
    'fridge:probe-fault': 'Temperaturfühler gestört',
    'access:brute-force': 'Viele falsche Eingaben',
    'locker:jammed': 'Schließfach klemmt',
    'hardware:board-lost': 'Steuerplatine antwortet nicht',
  },
  en: {
    'door:held-open': 'Door held open too long',
    'door:forced-open': 'Door forced open',
    'door:fire': 'Fire alarm: doors released',
    'fridge:temperature': 'Fridge too warm',
    'fridge:probe-fault': 'Temperature probe fault',
    'access:brute-force': 'Many wrong entries',
    'locker:jammed': 'Compartment jammed',
    'hardware:board-lost': 'Control board not answering',
  },
};

export function alarmTitle(lang: MailLang, source: string, kind: string): string {
  return KINDS[lang][`${source}:${kind}`] ?? `${source}: ${kind}`;
}

function severityWord(lang: MailLang, s: string): string {
  const w = WORDS[lang];
  return s === 'critical' ? w.critical : s === 'warning' ? w.warning : w.info;
}

function when(lang: MailLang, t: number, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(t));
}

function link(webUrl: string | undefined, siteId: string): string | null {
  return webUrl ? `${webUrl.replace(/\/$/, '')}/#/sites/${encodeURIComponent(siteId)}/alarms` : null;
}

function block(lang: MailLang, a: MailAlarm, timeZone: string, webUrl: string | undefined): string[] {
  const w = WORDS[lang];
  const l = link(webUrl, a.siteId);
  return [
    `${w.alarm}: ${alarmTitle(lang, a.source, a.kind)}`,
    `${w.site}: ${a.siteId}`,
    `${w.severity}: ${severityWord(lang, a.severity)}`,
    `${w.since}: ${when(lang, a.since, timeZone)}`,
    `${w.pointSays}: ${a.reason}`,
    ...(l ? [`${w.open}: ${l}`] : []),
  ];
}

export function alarmMail(lang: MailLang, a: MailAlarm, timeZone: string, webUrl?: string): MailContent {
  return {
    subject: `[dorfpunkt] ${severityWord(lang, a.severity)}: ${alarmTitle(lang, a.source, a.kind)} – ${a.siteId}`,
    text: [...block(lang, a, timeZone, webUrl), '', '-- ', WORDS[lang].footer, ''].join('\n'),
  };
}

export function digestMail(lang: MailLang, alarms: readonly MailAlarm[], timeZone: string, webUrl?: string): MailContent {
  const w = WORDS[lang];
  const lines: string[] = [w.digestIntro, ''];
  for (const a of alarms) lines.push(...block(lang, a, timeZone, webUrl), '');
  lines.push('-- ', w.footer, '');
  return { subject: `[dorfpunkt] ${w.digestSubject(alarms.length)}`, text: lines.join('\n') };
}
