// The daemon's HTTP server, spoken to over raw sockets as an adversary would: every
// request gets an answer, a foreign Host is refused, the report can need a token.
import net from 'node:net';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type EndpointHandlers, startHttpServer } from '../src/daemon/http-server.js';
import { defaultAllowedHosts, hostnameOf, type RequestGuardOptions } from '../src/daemon/request-guard.js';

const handlers: EndpointHandlers = {
  ready: () => ({ ready: true, reason: 'ready' }),
  metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: 'ecs_reconciler_up 1\n' }),
  reconcile: () => ({ status: 202, body: { started: true } }),
  reportJson: () => '{"summary":{}}\n',
  page: () => '<!doctype html><title>report</title>',
};

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(opts: RequestGuardOptions = {}, h: EndpointHandlers = handlers, listen = '127.0.0.1:0'): Promise<number> {
  const s = await startHttpServer(listen, h, opts);
  servers.push(s);
  return Number(s.address.split(':').at(-1));
}

/** Writes RAW, reads until the server closes or answers one response; resolves with the status line's code. */
function raw(port: number, text: string, timeoutMs = 3_000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(text.slice(0, 60))}; got ${JSON.stringify(got)}`));
    }, timeoutMs);
    const done = () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0);
      const [head = '', body = ''] = got.split('\r\n\r\n');
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status, head, body });
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (c) => {
      got += c;
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(text);
  });
}

const get = (path: string, headers: Record<string, string> = { host: '127.0.0.1' }) =>
  `GET ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}connection: close\r\n\r\n`;

describe('every request gets an answer', () => {
  it('an absolute-form target with a bad port, a malformed target, "*" and garbage: 400, never a hang', async () => {
    const port = await serve();
    expect((await raw(port, get('http://x:99999/'))).status).toBe(400);
    expect((await raw(port, get('http://127.0.0.1/report'))).status).toBe(400);
    expect((await raw(port, get('//evil.example/report'))).status).toBe(400);
    expect((await raw(port, 'OPTIONS * HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n')).status).toBe(400);
    expect((await raw(port, 'NOT HTTP AT ALL\r\n\r\n')).status).toBe(400);
    expect((await raw(port, get('/%zz'))).status).toBe(404);
    // and the server still serves the next one
    expect((await raw(port, get('/healthz'))).status).toBe(200);
  });

  it('a handler that throws is answered 500 and reported', async () => {
    const errors: unknown[] = [];
    const port = await serve(
      {},
      {
        ...handlers,
        reportJson: () => {
          throw new Error('boom');
        },
        onError: (e) => errors.push(e),
      },
    );
    expect((await raw(port, get('/report'))).status).toBe(500);
    expect(errors).toHaveLength(1);
  });
});

describe('the Host header', () => {
  it('a DNS name that is not ours is refused (421); localhost and IP literals are served', async () => {
    const port = await serve();
    const refused = await raw(port, get('/report', { host: `rebind.attacker.example:${port}` }));
    expect(refused.status).toBe(421);
    expect(refused.body).toContain('--allowed-hosts');
    expect((await raw(port, get('/', { host: 'rebind.attacker.example' }))).status).toBe(421);
    expect((await raw(port, get('/metrics', { host: 'rebind.attacker.example' }))).status).toBe(421);
    expect((await raw(port, get('/report', { host: `localhost:${port}` }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: `127.0.0.1:${port}` }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: `[::1]:${port}` }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: '10.0.1.23:8080' }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: 'a b' }))).status).toBe(400);
    // probes answer whatever the Host: a refused health check would restart the task
    expect((await raw(port, get('/healthz', { host: 'rebind.attacker.example' }))).status).toBe(200);
    expect((await raw(port, get('/readyz', { host: 'rebind.attacker.example' }))).status).toBe(200);
  });

  it('--allowed-hosts names the hosts to serve, "*" any', async () => {
    const port = await serve({ allowedHosts: ['reconciler.internal'] });
    expect((await raw(port, get('/report', { host: 'reconciler.internal:8080' }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: 'RECONCILER.internal.' }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: 'localhost' }))).status).toBe(421);
    const any = await serve({ allowedHosts: ['*'] });
    expect((await raw(any, get('/report', { host: 'whatever.example' }))).status).toBe(200);
  });

  it("defaults: localhost and the listen host; on 0.0.0.0, this machine's hostname", () => {
    expect(defaultAllowedHosts('127.0.0.1', 'box')).toEqual(['localhost']);
    expect(defaultAllowedHosts('reconciler.local', 'box')).toEqual(['localhost', 'reconciler.local']);
    expect(defaultAllowedHosts('0.0.0.0', 'ip-10-0-1-23.ec2.internal')).toEqual(['localhost', 'ip-10-0-1-23.ec2.internal']);
    expect(hostnameOf('[::1]:8080')).toBe('::1');
    expect(hostnameOf('x:99999999')).toBeUndefined();
  });

  it("listening on 0.0.0.0 serves the machine's own hostname", async () => {
    const port = await serve({}, handlers, '0.0.0.0:0');
    expect((await raw(port, get('/report', { host: `${hostname()}:${port}` }))).status).toBe(200);
    expect((await raw(port, get('/report', { host: 'rebind.attacker.example' }))).status).toBe(421);
  });
});

describe('the report token', () => {
  const TOKEN = 'tok-0123456789abcdef';
  it('/ and /report need it (Bearer, or Basic with it as the password); /healthz /readyz /metrics stay open', async () => {
    const port = await serve({ reportToken: TOKEN });
    const denied = await raw(port, get('/report'));
    expect(denied.status).toBe(401);
    expect(denied.head.toLowerCase()).toContain('www-authenticate: bearer');
    expect(denied.body).not.toContain('summary');
    expect((await raw(port, get('/', { host: '127.0.0.1' }))).status).toBe(401);
    expect((await raw(port, get('/?partial=1', { host: '127.0.0.1' }))).status).toBe(401);
    expect((await raw(port, get('/report', { host: '127.0.0.1', authorization: 'Bearer wrong-token-0000000' }))).status).toBe(401);
    expect((await raw(port, get('/report', { host: '127.0.0.1', authorization: `Bearer ${TOKEN}` }))).status).toBe(200);
    const basic = Buffer.from(`me:${TOKEN}`).toString('base64');
    expect((await raw(port, get('/', { host: '127.0.0.1', authorization: `Basic ${basic}` }))).status).toBe(200);
    for (const open of ['/healthz', '/readyz', '/metrics']) expect((await raw(port, get(open))).status, open).toBe(200);
  });

  it("/report/tasks (a service's task list, read from AWS on demand) needs it too, and a foreign Host is refused before any read", async () => {
    const asked: string[] = [];
    const port = await serve(
      { reportToken: TOKEN },
      {
        ...handlers,
        tasks: async (q) => {
          asked.push(q.get('service') ?? '');
          return { status: 200, type: 'application/json; charset=utf-8', body: '{"tasks":{}}\n' };
        },
      },
    );
    const path = '/report/tasks?service=Service%2Fus-east-1%2Fprod%2Fweb';
    expect((await raw(port, get(path))).status).toBe(401);
    expect((await raw(port, get(path, { host: 'rebind.attacker.example', authorization: `Bearer ${TOKEN}` }))).status).toBe(421);
    expect(asked).toEqual([]);
    const ok = await raw(port, get(path, { host: '127.0.0.1', authorization: `Bearer ${TOKEN}` }));
    expect(ok.status).toBe(200);
    expect(asked).toEqual(['Service/us-east-1/prod/web']);
  });
});
