/**
 * GS1 mod-10 check digit (GTIN-8/12/13/14, SSCC): weights 3,1,3,... from the right, excluding
 * the check digit itself; check = (10 - sum mod 10) mod 10.
 */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const d = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isAllDigits(s: string): boolean {
  return s.length > 0 && /^[0-9]+$/.test(s);
}

/** True when the last digit of `digits` is its correct GS1 check digit. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!isAllDigits(digits) || digits.length < 2) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}
