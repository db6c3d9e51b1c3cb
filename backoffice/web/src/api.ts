/**
 * Typed client of the backoffice API for the web app. The bodies are the route schemas' own types
 * (backoffice/http/schemas, imported type-only: nothing of them reaches the bundle). The session is
 * the HttpOnly cookie; the CSRF token from the login answer / `me` goes with every write.
 */
import type { SessionAnswerBody } from '../../http/schemas/auth.ts';
import type { ErrorBody } from '../../http/schemas/common.ts';
import type { FleetViewBody, SiteAlarmsBody } from '../../http/schemas/fleet.ts';
import type { AlarmActionAnswerBody, AlarmCommentBody, NotificationSettingsBody } from '../../http/schemas/alarms.ts';

export type Session = SessionAnswerBody;
export type Fleet = FleetViewBody;
export type FleetSite = FleetViewBody['sites'][number];
export type SiteAlarms = SiteAlarmsBody;
export type Alarm = SiteAlarmsBody['alarms'][number];
export type NotificationSettings = NotificationSettingsBody;

/** A refused or failed call: HTTP status (0: no connection), the API's error code, seconds to wait (429). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
  }
}

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface ApiClient {
  /** Any other JSON route (typed wrappers live with their feature, e.g. requests/requestsApi.ts, operationsApi.ts); writes carry the CSRF token. */
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** The session after confirming TOTP enrolment (the CSRF token stays the session's). */
  remember(s: Session): Session;
  login(input: LoginInput): Promise<Session>;
  me(): Promise<Session>;
  logout(): Promise<void>;
  fleet(): Promise<Fleet>;
  alarms(siteId: string): Promise<SiteAlarms>;
  acknowledgeAlarm(siteId: string, id: number): Promise<AlarmActionAnswerBody>;
  clearAlarm(siteId: string, id: number): Promise<AlarmActionAnswerBody>;
  commentAlarm(siteId: string, id: number, text: string): Promise<AlarmCommentBody>;
  notificationSettings(): Promise<NotificationSettings>;
  saveNotificationSettings(s: NotificationSettings): Promise<NotificationSettings>;
}

export function createApi(fetchImpl: typeof fetch = (i, o) => fetch(i, o), base = ''): ApiClient {
  let csrfToken: string | null = null;

  async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new ApiError(0, 'network', 'no connection');
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as Partial<ErrorBody>;
      const retry = Number(res.headers.get('retry-after'));
      throw new ApiError(res.status, e.error ?? 'error', e.message ?? `HTTP ${res.status}`, Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    return parsed as T;
  }

  const remember = (s: Session): Session => {
    csrfToken = s.csrfToken;
    return s;
  };

  return {
    remember,
    login: async (input) =>
      remember(await call<Session>('POST', '/api/auth/login', input.totp ? input : { username: input.username, password: input.password })),
    me: async () => remember(await call<Session>('GET', '/api/auth/me')),
    logout: async () => {
      await call('POST', '/api/auth/logout');
      csrfToken = null;
    },
    fleet: () => call<Fleet>('GET', '/api/fleet'),
    alarms: (siteId) => call<SiteAlarms>('GET', `/api/sites/${encodeURIComponent(siteId)}/alarms`),
    request: (method, path, body) => call(method, path, body),
    acknowledgeAlarm: (siteId, id) => call<AlarmActionAnswerBody>('POST', `/api/sites/${encodeURIComponent(siteId)}/alarms/${id}/acknowledge`),
    clearAlarm: (siteId, id) => call<AlarmActionAnswerBody>('POST', `/api/sites/${encodeURIComponent(siteId)}/alarms/${id}/clear`),
    commentAlarm: async (siteId, id, text) =>
      (await call<{ comment: AlarmCommentBody }>('POST', `/api/sites/${encodeURIComponent(siteId)}/alarms/${id}/comments`, { text })).comment,
    notificationSettings: () => call<NotificationSettings>('GET', '/api/me/notifications'),
    saveNotificationSettings: (s) => call<NotificationSettings>('PUT', '/api/me/notifications', s),
  };
}
