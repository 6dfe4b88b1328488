// Test receivers on 127.0.0.1: an HTTP server that records every request, and an SMTP sink (smtp-server) that
// records every mail it accepts. Shared by this package's delivery tests.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  base: string;
  host: string;
  requests: Received[];
  waitFor: (count: number, timeoutMs?: number) => Promise<Received[]>;
  close: () => Promise<void>;
}

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    waitFor: async (count, timeoutMs = 15_000) => {
      await until(() => requests.length >= count, `${count} requests (have ${requests.length})`, timeoutMs);
      return requests.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  from: string;
  to: string[];
  user?: string;
  password?: string;
  raw: string;
  /** The body with quoted-printable undone (nodemailer encodes non-ASCII text that way). */
  text: string;
}

const unquote = (qp: string) =>
  Buffer.from(qp.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

export interface SmtpSink {
  port: number;
  mails: Mail[];
  waitFor: (count: number, timeoutMs?: number) => Promise<Mail[]>;
  close: () => Promise<void>;
}

/** A real SMTP server on loopback: no TLS (STARTTLS not offered), AUTH PLAIN/LOGIN accepted for `user`/`password`. */
export async function startSmtpSink(credentials?: { user: string; password: string }): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !credentials,
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
      else callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        mails.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...(session.user ? { user: String(session.user) } : {}),
          raw: Buffer.concat(chunks).toString('utf8'),
          text: unquote(Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/).slice(1).join('\n\n')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    waitFor: async (count, timeoutMs = 15_000) => {
      await until(() => mails.length >= count, `${count} mails (have ${mails.length})`, timeoutMs);
      return mails.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
