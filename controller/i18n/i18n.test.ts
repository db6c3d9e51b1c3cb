import { describe, expect, it } from 'vitest';
import { catalog, pickLang, reasonText } from './i18n.ts';

describe('i18n', () => {
  it('speaks German unless English is asked for', () => {
    expect(pickLang(undefined)).toBe('de');
    expect(pickLang('fr')).toBe('de');
    expect(pickLang('en-GB')).toBe('en');
  });

  it('has a non-empty English text for every German key', () => {
    const de = catalog('de');
    const en = catalog('en');
    for (const key of Object.keys(de) as Array<keyof typeof de>) {
      expect(en[key], key).toBeTruthy();
      expect(de[key], key).toBeTruthy();
    }
  });

  it('explains an unknown decision reason generically instead of showing the code', () => {
    expect(reasonText('de', 'no-such-reason')).toBe('Zutritt nicht möglich.');
    expect(reasonText('en', 'revoked')).toBe('This credential has been blocked.');
  });
});
