/** The daemon's endpoints: /healthz, /readyz, /metrics, /report, and / (the report as a page). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { makeRequestGuard, type RequestGuardOptions } from './request-guard.js';

export interface EndpointHandlers {
  ready: () => { ready: boolean; reason: string };
  metrics: () => string;
  reportJson: () => string | undefined;
  page: (query: URLSearchParams) => string;
  /** a handler threw: the request was answered 500 */
  onError?: (err: unknown) => void;
}

/**
 * The page shows text from live ECS: were an escape ever missed, the browser still loads
 * nothing from elsewhere and posts nowhere (its own script and styles are inline; it
 * fetches only itself), and no other site frames it.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export function parseListen(listen: string): { host: string; port: number } {
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
      case '/healthz':
        return send(200, 'text/plain; charset=utf-8', 'ok\n');
      case '/readyz': {
        const r = h.ready();
        return send(r.ready ? 200 : 503, 'text/plain; charset=utf-8', `${r.reason}\n`);
      }
      case '/metrics':
        return send(200, 'text/plain; version=0.0.4; charset=utf-8', h.metrics());
      case '/report': {
        const body = h.reportJson();
        return body ? send(200, 'application/json; charset=utf-8', body) : send(503, 'application/json; charset=utf-8', '{"error":"no pass has finished yet"}\n');
      }
      case '/':
        return send(200, 'text/html; charset=utf-8', h.page(url.searchParams), PAGE_HEADERS);
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found: try /, /report, /metrics, /healthz, /readyz\n');
    }
  };
  // a request line or header block that does not parse: answered 400 and closed, never held
  server.on('clientError', (_err, socket) => {
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: 12\r\n\r\nbad request\n');
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
