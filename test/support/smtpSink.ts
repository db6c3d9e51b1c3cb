/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1: accepts every mail
 * (no TLS, no auth), keeps what it received with the subject and text decoded, and can be stopped
 * and started again on the same port to play an SMTP outage.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Mails to one address. */
  to(address: string): ReceivedMail[];
  stop(): Promise<void>;
  /** Listen again on the same port (after `stop`). */
  restart(): Promise<void>;
}

function decodeWords(s: string): string {
  return s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Subject and text of a single-part text mail as nodemailer writes it. */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const text = decodeBody(raw.slice(split + 4), (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()).replace(/\r\n/g, '\n');
  return { subject: decodeWords(headers.get('subject') ?? ''), text };
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  const listen = async (p: number): Promise<number> => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('latin1');
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(Buffer.from(raw, 'latin1').toString('utf8')) });
          callback();
        });
      },
    });
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(p, '127.0.0.1', () => resolve());
    });
    return (s.server.address() as { port: number }).port;
  };
  const actual = await listen(port);
  const sink: SmtpSink = {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    mails,
    to: (a) => mails.filter((m) => m.to.includes(a)),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        const s = server;
        server = null;
        s.close(() => resolve());
      }),
    restart: async () => {
      await listen(actual);
    },
  };
  return sink;
}
