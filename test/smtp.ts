import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  /** Raw messages received (headers and body), in order. */
  messages: string[];
  /** A nodemailer transport that talks to this server. */
  transport(): Transporter;
  /** The next `count` messages are refused with a temporary error (451). */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

/** A real SMTP server in this process, for tests of the outbox. */
export async function startSmtpServer(): Promise<TestSmtp> {
  const messages: string[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusals > 0) {
        refusals -= 1;
        const error = new Error('try again later') as Error & { responseCode: number };
        error.responseCode = 451;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        messages.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    messages,
    transport: () => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }),
    refuseNext(count) {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body of a raw message, decoded from base64 or quoted-printable (nodemailer picks one per message). */
export function messageText(raw: string): string {
  const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (/^content-transfer-encoding:\s*base64/im.test(headers))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  const bytes = body
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  // Quoted-printable escapes are bytes of UTF-8.
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
