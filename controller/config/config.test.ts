import { describe, expect, it } from 'vitest';
import { parseControllerConfig } from './config.ts';

const valid = {
  siteId: 'hemeringen-1',
  dataDir: '/var/lib/dorfpunkt',
  hardwareProfile: '/etc/dorfpunkt/hardware.json',
  publicKeyFile: '/etc/dorfpunkt/public-key.pem',
  bundesland: 'NI',
};

describe('controller config', () => {
  it('accepts a minimal config and fills the localhost HTTP defaults', () => {
    const c = parseControllerConfig(valid, 'config.json');
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.logLevel).toBe('info');
  });

  it('refuses an unknown Bundesland, naming the field', () => {
    expect(() => parseControllerConfig({ ...valid, bundesland: 'XX' }, 'config.json')).toThrow(/config\.json is invalid:[\s\S]*bundesland/);
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    expect(() => parseControllerConfig({ ...valid, sitId: 'x' }, 'config.json')).toThrow(/unknown property "sitId"/);
  });

  it('takes the technician PIN only as a scrypt hash and the backoffice URL only as http(s), naming the field', () => {
    const hash = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    expect(parseControllerConfig({ ...valid, technicianPinHash: hash, backofficePublicUrl: 'https://laden.example.org' }, 'config.json')).toMatchObject({
      technicianPinHash: hash,
      backofficePublicUrl: 'https://laden.example.org',
    });
    expect(() => parseControllerConfig({ ...valid, technicianPinHash: '246810' }, 'config.json')).toThrow(/technicianPinHash/);
    expect(() => parseControllerConfig({ ...valid, backofficePublicUrl: 'javascript:alert(1)' }, 'config.json')).toThrow(/backofficePublicUrl/);
  });

  it('takes the operators’ help phone number and the wait before offering it, and refuses a phone that is not a number, naming the field', () => {
    expect(parseControllerConfig({ ...valid, help: { phone: '+49 5555 123456', answerWithinSec: 120 } }, 'config.json').help).toEqual({
      phone: '+49 5555 123456',
      answerWithinSec: 120,
    });
    expect(() => parseControllerConfig({ ...valid, help: { phone: 'call Anna' } }, 'config.json')).toThrow(/help/);
    expect(() => parseControllerConfig({ ...valid, help: { answerWithinSec: 5 } }, 'config.json')).toThrow(/answerWithinSec/);
  });

  it('refuses a site id that could escape its MQTT subtree', () => {
    expect(() => parseControllerConfig({ ...valid, siteId: 'a/#' }, 'config.json')).toThrow(/siteId/);
  });
});
