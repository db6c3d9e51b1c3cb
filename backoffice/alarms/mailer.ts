/** Sending one e-mail: the port the notifier uses, and its SMTP implementation (nodemailer). */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  /** Resolves once the SMTP server accepted the mail; rejects otherwise (the notifier retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465`. */
  url: string;
  /** The From header, e.g. `dorfpunkt <alarme@example.org>`. */
  from: string;
  /** Give up one attempt after this long (default 15 s); the notifier retries later. */
  timeoutMs?: number;
}

export function smtpTransport(o: SmtpOptions): MailTransport {
  const timeout = o.timeoutMs ?? 15_000;
  const t = nodemailer.createTransport({ url: o.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    send: async (m) => {
      await t.sendMail({ from: o.from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => t.close(),
  };
}
