/** The daemon's endpoints: /healthz, /readyz, /metrics, /report, and / (the report as a page). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndpointHandlers {
  /** /healthz: false when the process cannot do its work (a start-up step failing) */
  health?: () => { healthy: boolean; reason: string };
  ready: () => { ready: boolean; reason: string };
  metrics: () => string;
  reportJson: () => string | undefined;
  page: (query: URLSearchParams) => string;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`--listen must be HOST:PORT, e.g. 127.0.0.1:8080; got "${listen}"`);
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

export async function startHttpServer(listen: string, h: EndpointHandlers): Promise<{ server: http.Server; address: string; close: () => Promise<void> }> {
  const { host, port } = parseListen(listen);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
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
        return send(200, 'text/plain; version=0.0.4; charset=utf-8', h.metrics());
      case '/report': {
        const body = h.reportJson();
        return body ? send(200, 'application/json; charset=utf-8', body) : send(503, 'application/json; charset=utf-8', '{"error":"no pass has finished yet"}\n');
      }
      case '/':
        return send(200, 'text/html; charset=utf-8', h.page(url.searchParams));
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found: try /, /report, /metrics, /healthz, /readyz\n');
    }
  });
  server.keepAliveTimeout = 5_000;
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
