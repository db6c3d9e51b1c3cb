import { describe, expect, it } from 'vitest';
import { FormError, parseForm } from './form.ts';

describe('form decoding as Stripe reads it', () => {
  it('builds nested objects and indexed lists from bracket keys', () => {
    const p = parseForm(
      'amount=1290&payment_method_types[0]=card_present&metadata[saleId]=S-1&line_items[0][price_data][unit_amount]=199&line_items[1][quantity]=2',
    );
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      amount: '1290',
      payment_method_types: ['card_present'],
      metadata: { saleId: 'S-1' },
      line_items: [{ price_data: { unit_amount: '199' } }, { quantity: '2' }],
    });
  });

  it('keeps brackets encoded or not, and unindexed lists in order', () => {
    expect(parseForm('metadata%5BsaleId%5D=S-2')['metadata']).toEqual({ saleId: 'S-2' });
    expect(parseForm('expand[]=a&expand[]=b')['expand']).toEqual(['a', 'b']);
  });

  it('refuses prototype keys, conflicting keys, broken brackets and deep nesting', () => {
    expect(() => parseForm('__proto__[polluted]=1')).toThrow(FormError);
    expect(() => parseForm('metadata[constructor]=1')).toThrow(FormError);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(() => parseForm('a=1&a[b]=2')).toThrow(/Conflicting/);
    expect(() => parseForm('a[b=1')).toThrow(/Invalid parameter name/);
    expect(() => parseForm('a[1][2][3][4][5][6]=x')).toThrow(/too deeply/);
  });
});
