import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { parseJsonWithSchema, ValidationError } from './validation.ts';

const Schema = Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535 }), name: Type.String({ default: 'x' }) }, { additionalProperties: false });

describe('schema validation of untrusted files', () => {
  it('names the file and the JSON position when the text is not JSON', () => {
    expect(() => parseJsonWithSchema(Schema, '{"port": 80,', 'config.json')).toThrow(/config\.json is invalid:[\s\S]*not valid JSON/);
  });

  it('names the field and the rule that failed, and unknown properties by name', () => {
    try {
      parseJsonWithSchema(Schema, '{"port": 70000, "prot": 1}', 'config.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const msg = (err as Error).message;
      expect(msg).toContain('port: must be <= 65535');
      expect(msg).toContain('unknown property "prot"');
    }
  });

  it('fills defaults without changing the caller’s object', () => {
    const input = { port: 8080 };
    expect(parseJsonWithSchema(Schema, JSON.stringify(input), 'c')).toEqual({ port: 8080, name: 'x' });
  });
});
