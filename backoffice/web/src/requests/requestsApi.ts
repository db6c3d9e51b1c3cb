/** The requests routes (backoffice/http/routes/requests.ts), typed by their schemas. */
import type { ApiClient } from '../api.ts';
import type { CommandSentBody, RequestsViewBody } from '../../../http/schemas/requests.ts';

export type Requests = RequestsViewBody;
export type HelpRequest = RequestsViewBody['help'][number];
export type AgeCheckRequest = RequestsViewBody['ageChecks'][number];

const site = (id: string): string => `/api/sites/${encodeURIComponent(id)}`;

export function requestsApi(api: ApiClient) {
  return {
    list: () => api.request<Requests>('GET', '/api/requests'),
    decide: (siteId: string, checkId: string, approved: boolean) =>
      api.request<CommandSentBody>('POST', `${site(siteId)}/age-checks/${encodeURIComponent(checkId)}/decision`, { approved }),
    releaseDoor: (siteId: string, note?: string) => api.request<CommandSentBody>('POST', `${site(siteId)}/door/release`, note ? { note } : {}),
    helpAnswered: (siteId: string, seq: number) => api.request<unknown>('POST', `${site(siteId)}/help/${seq}/answered`, {}),
  };
}
