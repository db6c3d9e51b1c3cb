/** Expiry checks for the till: refuse goods past their use-by (17) or best-before (15) date. */
import type { Barcode } from './barcode.ts';
import type { Gs1Data } from './elementString.ts';

export interface ExpiryOptions {
  /** Also treat a passed best-before date (AI 15) as expired. Default true. */
  includeBestBefore?: boolean;
}

/**
 * True when the goods are past the date on the label. Goods are sellable ON the date itself.
 * `todayYmd` is 'YYYY-MM-DD' in the shop's local calendar. Returns false when no date is
 * encoded; a malformed `todayYmd` counts as expired (fail safe).
 */
export function isExpired(parsed: Gs1Data | Barcode, todayYmd: string, options: ExpiryOptions = {}): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(todayYmd)) return true;
  const data: Gs1Data | undefined = 'elements' in parsed ? parsed : parsed.kind === 'gs1' ? parsed.gs1 : undefined;
  if (!data) return false;
  const dates = [data.expiry?.ymd];
  if (options.includeBestBefore !== false) dates.push(data.bestBefore?.ymd);
  return dates.some((d) => d !== undefined && d < todayYmd);
}
