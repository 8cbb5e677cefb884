/**
 * What every request to the daemon's port passes before routing: a target that parses,
 * a Host header this daemon answers to, and (for the report) the bearer token. Anyone
 * who reaches the port is untrusted: a page in a browser on the same machine can point
 * a DNS name it owns at 127.0.0.1 (DNS rebinding) and read the answers, so a Host that
 * is not ours is refused; a deployment that exposes the port protects the report with
 * a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface RequestGuardOptions {
  /**
   * Host names (no port) accepted in the Host header, besides IP literals; `*` accepts any.
   * Default: localhost and the listen host, plus this machine's hostname when listening on
   * every address (0.0.0.0 or ::).
   */
  allowedHosts?: readonly string[];
  /** --report-token / ECS_RECONCILER_REPORT_TOKEN: `/` and `/report` need `Authorization: Bearer TOKEN` */
  reportToken?: string;
}

export type GuardVerdict = { ok: true; url: URL } | { ok: false; status: number; message: string; headers?: Record<string, string> };

/** Paths that answer whatever the Host: probes carry no report data. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);
/**
 * Paths that need no report token: probes and scrapes carry no report data, and POST
 * /reconcile answers no report and has its own check (--webhook-secret signatures).
 */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/reconcile']);

/** The default allowed hosts for a listen host; see RequestGuardOptions.allowedHosts. */
export function defaultAllowedHosts(listenHost: string, machineHostname: string): string[] {
  const hosts = new Set(['localhost']);
  const everyAddress = listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '';
  if (everyAddress) hosts.add(machineHostname.toLowerCase());
  else if (!isIP(listenHost)) hosts.add(listenHost.toLowerCase());
  return [...hosts];
}

/** `Host: name:port`, `[::1]:8080`, `10.0.0.1` -> the name alone, lower case; undefined when it does not parse. */
export function hostnameOf(hostHeader: string): string | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s/@]+))(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  if (!m) return undefined;
  return (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, '');
}

export function makeRequestGuard(listenHost: string, machineHostname: string, opts: RequestGuardOptions = {}): (req: IncomingMessage) => GuardVerdict {
  const allowed = new Set((opts.allowedHosts ?? defaultAllowedHosts(listenHost, machineHostname)).map((h) => h.toLowerCase()));
  const anyHost = allowed.has('*');
  const token = opts.reportToken ? digest(opts.reportToken) : undefined;

  return (req) => {
    const target = req.url ?? '';
    // origin-form only ("/report?x"): an absolute-form target ("GET http://x:99999/") is
    // meant for a proxy, and "*" for OPTIONS; neither names a page of ours
    if (!target.startsWith('/') || target.startsWith('//'))
      return { ok: false, status: 400, message: 'bad request: the target must be a path such as /report' };
    let url: URL;
    try {
      url = new URL(target, 'http://localhost');
    } catch {
      return { ok: false, status: 400, message: 'bad request: the target does not parse as a path' };
    }
    if (!PROBE_PATHS.has(url.pathname) && !anyHost) {
      const header = req.headers.host;
      // HTTP/1.0 clients may send none; a browser always sends one, which is what this guards against
      if (header !== undefined) {
        const name = hostnameOf(header);
        if (name === undefined) return { ok: false, status: 400, message: 'bad request: the Host header does not parse' };
        // an IP literal cannot be rebound: a rebinding page's requests carry its own DNS name
        if (!isIP(name) && !allowed.has(name))
          return {
            ok: false,
            status: 421,
            message: `misdirected request: this daemon does not answer to the host "${name.slice(0, 100)}" (allow it with --allowed-hosts)`,
          };
      }
    }
    if (token && !OPEN_PATHS.has(url.pathname)) {
      const given = presentedToken(req.headers.authorization);
      if (given === undefined || !timingSafeEqual(digest(given), token)) {
        return {
          ok: false,
          status: 401,
          message: 'unauthorized: send Authorization: Bearer <the --report-token> (a browser: the token as the password)',
          // Basic lets a browser ask for the token once and send it with the page's own refreshes
          headers: { 'www-authenticate': 'Bearer realm="ecs-reconciler", Basic realm="ecs-reconciler", charset="UTF-8"' },
        };
      }
    }
    return { ok: true, url };
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** `Bearer TOKEN`, or `Basic base64(anything:TOKEN)` from a browser's prompt. */
function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}
