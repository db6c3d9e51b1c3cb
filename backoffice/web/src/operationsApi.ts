/**
 * Typed calls of the member, TOTP enrolment, opening rules and parcel routes, on top of the
 * client's `request` (api.ts). Bodies are the route schemas' own types (type-only imports).
 */
import type { ApiClient, Session } from './api.ts';
import type {
  AccountInput,
  AccountViewBody,
  CreateMemberInput,
  MemberViewBody,
  PatchMemberInput,
  IssueCredentialInput,
  CredentialViewBody,
} from '../../http/schemas/members.ts';
import type { SiteViewBody } from '../../http/schemas/sites.ts';
import type { OpeningPreviewBody, SiteOpeningRulesBody } from '../../http/schemas/openingRules.ts';
import type { ParcelsListBody } from '../../http/schemas/parcels.ts';
import type { OpeningRulesDocument } from '../../../controller/contract/changes/openingRules.ts';

export type Member = MemberViewBody;
export type Credential = CredentialViewBody;
export type MemberInput = CreateMemberInput;
export type MemberPatch = PatchMemberInput;
export type IssueInput = IssueCredentialInput;
export type AccountTermsInput = AccountInput;
export type Rules = OpeningRulesDocument;
export type SiteRules = SiteOpeningRulesBody;
export type Preview = OpeningPreviewBody;
export type Parcel = ParcelsListBody['parcels'][number];

const site = (id: string): string => `/api/sites/${encodeURIComponent(id)}`;

export function operationsApi(api: ApiClient) {
  return {
    totpSetup: () => api.request<{ uri: string; secret: string }>('POST', '/api/auth/totp/setup'),
    totpConfirm: async (code: string) => api.remember(await api.request<Session>('POST', '/api/auth/totp/confirm', { code })),
    sites: async () => (await api.request<{ sites: SiteViewBody[] }>('GET', '/api/sites')).sites.map((s) => s.siteId),
    members: async () => (await api.request<{ members: Member[] }>('GET', '/api/members')).members,
    createMember: (input: MemberInput) => api.request<Member>('POST', '/api/members', input),
    updateMember: (id: string, patch: MemberPatch) => api.request<Member>('PATCH', `/api/members/${id}`, patch),
    issue: (id: string, input: IssueInput) =>
      api.request<{ credential: Credential; token?: string; pin?: string }>('POST', `/api/members/${id}/credentials`, input),
    revoke: (id: string, cid: string, reason: string) =>
      api.request<{ credential: Credential }>('POST', `/api/members/${id}/credentials/${cid}/revoke`, { reason }),
    setAccount: (id: string, input: AccountTermsInput) => api.request<AccountViewBody>('PUT', `/api/members/${id}/account`, input),
    /** A plain link: the browser downloads the PDF with the session cookie (a GET needs no CSRF token). */
    cardsUrl: (ids: string[]) => `/api/members/cards.pdf?ids=${ids.join(',')}`,
    openingRules: (siteId: string) => api.request<SiteRules>('GET', `${site(siteId)}/opening-rules`),
    saveOpeningRules: (siteId: string, rules: Rules) => api.request<SiteRules>('PUT', `${site(siteId)}/opening-rules`, rules),
    preview: (siteId: string) => api.request<Preview>('GET', `${site(siteId)}/opening-rules/preview`),
    parcels: async (siteId: string) => (await api.request<ParcelsListBody>('GET', `${site(siteId)}/parcels`)).parcels,
    openCompartment: (siteId: string, compartment: string, reason: string) =>
      api.request<{ commandId: string; expiresAt: number }>('POST', `${site(siteId)}/lockers/${encodeURIComponent(compartment)}/open`, { reason }),
  };
}

export type OperationsApi = ReturnType<typeof operationsApi>;
