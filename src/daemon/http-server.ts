/** The daemon's endpoints: /healthz, /readyz, /metrics, /report, / (the report as a page), and POST /reconcile. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { MAX_WEBHOOK_BODY_BYTES } from './push-webhook.js';
import { makeRequestGuard, type RequestGuardOptions } from './request-guard.js';

export interface EndpointHandlers {
  /** /healthz: false when the process cannot do its work (a start-up step failing) */
  health?: () => { healthy: boolean; reason: string };
  ready: () => { ready: boolean; reason: string };
  /** Prometheus text, rendered at scrape time */
  metrics: () => Promise<{ contentType: string; text: string }>;
  reportJson: () => string | undefined;
  page: (query: URLSearchParams) => string;
  /** /report/tasks?service=ID[&format=html]: one service's task list, read on demand */
  tasks?: (query: URLSearchParams) => Promise<{ status: number; type: string; body: string }>;
  /** POST /reconcile with its raw body (a push webhook is verified over the exact bytes) */
  reconcile: (request: { headers: http.IncomingHttpHeaders; body: Buffer }) => { status: number; body: unknown };
  /** a handler threw: the request was answered 500 */
  onError?: (err: unknown) => void;
}

/** The raw body, up to `limit` bytes; undefined when it is longer (the rest is not read). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serveReconcile(req: http.IncomingMessage, res: http.ServerResponse, handle: EndpointHandlers['reconcile']): Promise<void> {
  const json = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (req.method !== 'POST') return json(405, { error: 'POST /reconcile starts a pass' }, { allow: 'POST' });
  const body = await readBody(req, MAX_WEBHOOK_BODY_BYTES).catch(() => undefined);
  if (body === undefined) return json(413, { error: `the body is over ${MAX_WEBHOOK_BODY_BYTES} bytes` }, { connection: 'close' });
  const answer = handle({ headers: req.headers, body });
  return json(answer.status, answer.body);
}

/**
 * The page shows text from live ECS: were an escape ever missed, the browser still loads
 * nothing from elsewhere and posts nowhere (its own script and styles are inline; it
 * fetches only itself), and no other site frames it.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`--listen must be HOST:PORT, e.g. 127.0.0.1:8080; got "${listen}"`);
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

export async function startHttpServer(
  listen: string,
  h: EndpointHandlers,
  guardOptions: RequestGuardOptions = {},
): Promise<{ server: http.Server; address: string; close: () => Promise<void> }> {
  const { host, port } = parseListen(listen);
  const guard = makeRequestGuard(host, hostname(), guardOptions);
  const server = http.createServer((req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      const verdict = guard(req);
      if (!verdict.ok) return send(verdict.status, 'text/plain; charset=utf-8', `${verdict.message}\n`, verdict.headers);
      if (verdict.url.pathname === '/reconcile') {
        serveReconcile(req, res, h.reconcile).catch((err: unknown) => {
          if (!res.headersSent) send(500, 'text/plain; charset=utf-8', 'internal error\n');
          else res.destroy();
          h.onError?.(err);
        });
        return;
      }
      route(verdict.url, req, send);
    } catch (err) {
      // every request gets an answer: a throw here must not leave the connection hanging
      if (!res.headersSent) send(500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
      h.onError?.(err);
    }
  });
  const route = (url: URL, req: http.IncomingMessage, send: (status: number, type: string, body: string, headers?: Record<string, string>) => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    switch (url.pathname) {
      case '/healthz': {
        const r = h.health?.() ?? { healthy: true, reason: 'ok' };
        return send(r.healthy ? 200 : 503, 'text/plain; charset=utf-8', `${r.reason}\n`);
      }
      case '/readyz': {
        const r = h.ready();
        return send(r.ready ? 200 : 503, 'text/plain; charset=utf-8', `${r.reason}\n`);
      }
      case '/metrics':
        h.metrics().then(
          (m) => send(200, m.contentType, m.text),
          (err: unknown) => {
            send(500, 'text/plain; charset=utf-8', 'cannot render the metrics\n');
            h.onError?.(err);
          },
        );
        return;
      case '/report': {
        const body = h.reportJson();
        return body
          ? send(200, 'application/json; charset=utf-8', body)
          : send(503, 'application/json; charset=utf-8', '{"error":"no pass has finished yet"}\n');
      }
      case '/report/tasks': {
        if (!h.tasks) break;
        h.tasks(url.searchParams).then(
          (t) => send(t.status, t.type, t.body, t.type.startsWith('text/html') ? PAGE_HEADERS : {}),
          (err: unknown) => {
            send(500, 'text/plain; charset=utf-8', 'cannot read the task list\n');
            h.onError?.(err);
          },
        );
        return;
      }
      case '/':
        return send(200, 'text/html; charset=utf-8', h.page(url.searchParams), PAGE_HEADERS);
    }
    return send(404, 'text/plain; charset=utf-8', 'not found: try /, /report, /report/tasks?service=ID, /metrics, /healthz, /readyz, POST /reconcile\n');
  };
  // a request line or header block that does not parse: answered 400 and closed, never held
  server.on('clientError', (_err, socket) => {
    if (socket.writable && !socket.writableEnded)
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: 12\r\n\r\nbad request\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
  // a client that sends its headers a byte at a time does not hold a descriptor for minutes
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const address = `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    server,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
