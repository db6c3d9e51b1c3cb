/** The CLI's alarm e-mail flags: none without an SMTP URL; the URL from the flag or DORFPUNKT_SMTP_URL; a sender is required; bad URLs refused. */
import { describe, expect, it } from 'vitest';
import { mailOptions, parseArgs } from '../../backoffice/cli.ts';

describe('backoffice CLI alarm e-mail flags', () => {
  it('sends no mails without an SMTP URL', () => {
    expect(mailOptions(parseArgs(['--mail-from', 'x <a@b.de>']), {})).toEqual({});
  });

  it('takes the SMTP URL from --smtp or DORFPUNKT_SMTP_URL, with sender and web address', () => {
    expect(mailOptions(parseArgs(['--smtp', 'smtp://127.0.0.1:2525', '--mail-from', 'dorfpunkt <a@b.de>', '--web-url', 'https://bo.example']), {})).toEqual({
      mail: { smtpUrl: 'smtp://127.0.0.1:2525', from: 'dorfpunkt <a@b.de>', webUrl: 'https://bo.example' },
    });
    expect(mailOptions(parseArgs(['--mail-from', 'a@b.de']), { DORFPUNKT_SMTP_URL: 'smtps://u:p@mail.example:465' })).toEqual({
      mail: { smtpUrl: 'smtps://u:p@mail.example:465', from: 'a@b.de' },
    });
  });

  it('refuses an SMTP URL without a sender, and one that is not smtp:// or smtps://', () => {
    expect(() => mailOptions(parseArgs(['--smtp', 'smtp://127.0.0.1:25']), {})).toThrow(/--mail-from/);
    expect(() => mailOptions(parseArgs(['--smtp', 'http://127.0.0.1:25', '--mail-from', 'a@b.de']), {})).toThrow(/smtp:\/\//);
  });
});
