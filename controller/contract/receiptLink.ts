/**
 * The receipt link (issue 10): the kiosk shows it as a QR code, the backoffice serves the page.
 * `GET /r/<siteId>/<saleId>?t=<token>`: the token is 128 random bits the point draws when it
 * issues the receipt and records in `sale.receipt-issued` (synced with the sale), so the link is
 * public but unguessable, and the backoffice tells the point nothing: the point builds the URL
 * from its configured backoffice address.
 */
export const RECEIPT_PAGE_ROUTE = '/r/:siteId/:saleId';
export const RECEIPT_TOKEN_PATTERN_SOURCE = '^[A-Za-z0-9_-]{16,64}$';

/** The receipt page of one sale at the backoffice whose public address is `baseUrl`. */
export function receiptUrl(baseUrl: string, siteId: string, saleId: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/r/${encodeURIComponent(siteId)}/${encodeURIComponent(saleId)}?t=${encodeURIComponent(token)}`;
}
