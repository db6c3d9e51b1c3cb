import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeToken } from './token.ts';
import { fixture } from './testSupport.ts';

const SEED = 20261121;

describe('access decision under hostile input (fast-check, fixed seed)', () => {
  const f = fixture();
  const valid = f.token({ role: 'operator' });

  it('never throws and never grants on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.base64String({ maxLength: 200 }).map((s) => `DP1.${s}`),
        ),
        (text) => {
          const d = f.decider.decideToken(text);
          expect(d.granted).toBe(false);
          expect(['malformed', 'unknown-version', 'bad-signature']).toContain(d.reason);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('never grants a valid token with any single character changed (decode may still succeed)', () => {
    const body = valid.slice(4);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), fc.nat({ max: alphabet.length - 1 }), (pos, ch) => {
        const c = alphabet[ch] ?? 'A';
        fc.pre(body[pos] !== c);
        const mutated = `DP1.${body.slice(0, pos)}${c}${body.slice(pos + 1)}`;
        const d = f.decider.decideToken(mutated);
        expect(d.granted).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('never throws on random binary payloads wrapped as tokens', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), (bytes) => {
        const text = `DP1.${Buffer.from(bytes).toString('base64url')}`;
        expect(() => decodeToken(text)).not.toThrow();
        expect(f.decider.decideToken(text).granted).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('card + PIN never throws on arbitrary values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (uid, pin) => {
        const d = await f.decider.decideCardPin(uid, pin);
        expect(d.granted).toBe(false);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
