// A fault-injecting HTTP proxy between the controller and the ECS emulator.
//
// ECS and Application Auto Scaling speak the AWS JSON protocol: every call is a POST
// whose operation is named by the `X-Amz-Target` header
// (`AmazonEC2ContainerServiceV20141113.CreateService`, `AnyScaleFrontendService.RegisterScalableTarget`).
// The proxy reads that header and, at configured rates drawn from a seeded PRNG (so a
// run can be replayed), answers instead of the emulator:
//   throttle  HTTP 400 {"__type":"ThrottlingException","message":"Rate exceeded"}
//   e500      HTTP 500 {"__type":"ServerException",...}
//   e503      HTTP 503 {"__type":"ServiceUnavailableException",...}
//   drop      the client's socket destroyed, no answer at all
//   slow      the answer delayed by `slowMs` (the call itself goes through)
// A fault is applied either BEFORE forwarding (the emulator never sees the call) or
// AFTER (the emulator did the work, the client sees an error: the hard case for
// idempotency). Faults can be restricted to some operations, and to the first N
// matching calls. `onResponse(operation, n)` runs after the emulator answered the n-th
// forwarded call of an operation and BEFORE the client gets that answer (the proxy
// awaits it), so a test can SIGKILL the controller at exactly that moment.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeServicesCommand, type ECSClient, ListClustersCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { mulberry32 } from '../seeded-random.js';

type FaultKind = 'throttle' | 'e500' | 'e503' | 'drop' | 'slow';
type FaultPhase = 'before' | 'after';
const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'e500', 'e503', 'drop', 'slow'];

export interface FaultConfig {
  /** probability (0..1) that a matching call gets a fault */
  rate: number;
  /** the kinds drawn from, uniformly (default: all) */
  kinds?: readonly FaultKind[];
  /** when the fault strikes, drawn uniformly from the list (default: both) */
  phases?: readonly FaultPhase[];
  /** only these operations (e.g. ['RegisterTaskDefinition']); default: every operation */
  operations?: readonly string[] | ((operation: string) => boolean);
  /** stop injecting after this many faults (default: unlimited) */
  maxFaults?: number;
  /** delay of a `slow` fault (default 1500 ms) */
  slowMs?: number;
}

export interface FaultProxyOptions {
  /** e.g. emulatorEnv().endpoint */
  target: string;
  /** PRNG seed (default 1) */
  seed?: number;
  faults?: FaultConfig;
  onResponse?: (operation: string, n: number) => void | Promise<void>;
}

export interface InjectedFault {
  operation: string;
  kind: FaultKind;
  phase: FaultPhase;
  /** the operation's request number (1-based) */
  n: number;
}

function operationOf(headers: http.IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  if (!value) return 'Other';
  const dot = value.lastIndexOf('.');
  return dot >= 0 ? value.slice(dot + 1) : value;
}

function errorBody(kind: FaultKind): { status: number; body: string } {
  switch (kind) {
    case 'throttle':
      return { status: 400, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) };
    case 'e500':
      return { status: 500, body: JSON.stringify({ __type: 'ServerException', message: 'injected server error' }) };
    case 'e503':
      return { status: 503, body: JSON.stringify({ __type: 'ServiceUnavailableException', message: 'injected: service unavailable' }) };
    default:
      throw new Error(`no error body for ${kind}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultProxy {
  url = '';
  private server: http.Server | undefined;
  private readonly target: URL;
  private random: () => number;
  private faults: FaultConfig | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  onResponse: FaultProxyOptions['onResponse'];

  /** requests received, by operation */
  readonly requests: Record<string, number> = {};
  /** requests the emulator answered, by operation */
  readonly forwarded: Record<string, number> = {};
  /** every fault injected, in order */
  readonly injected: InjectedFault[] = [];

  constructor(opts: FaultProxyOptions) {
    this.target = new URL(opts.target);
    this.random = mulberry32(opts.seed ?? 1);
    this.faults = opts.faults;
    this.onResponse = opts.onResponse;
  }

  /** Change (or with undefined, stop) the faults; `seed` restarts the PRNG. */
  setFaults(faults: FaultConfig | undefined, seed?: number): void {
    this.faults = faults;
    if (seed !== undefined) this.random = mulberry32(seed);
  }

  /** Forget every count (requests, forwarded, injected). */
  resetCounts(): void {
    for (const rec of [this.requests, this.forwarded]) for (const k of Object.keys(rec)) delete rec[k];
    this.injected.length = 0;
  }

  /** Faults injected by kind, by phase, and in total. */
  summary(): { total: number; byKind: Record<string, number>; byPhase: Record<string, number>; byOperation: Record<string, number> } {
    const byKind: Record<string, number> = {};
    const byPhase: Record<string, number> = {};
    const byOperation: Record<string, number> = {};
    for (const f of this.injected) {
      byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
      byPhase[f.phase] = (byPhase[f.phase] ?? 0) + 1;
      byOperation[f.operation] = (byOperation[f.operation] ?? 0) + 1;
    }
    return { total: this.injected.length, byKind, byPhase, byOperation };
  }

  /** Faults of one kind/phase/operation. */
  count(filter: Partial<InjectedFault>): number {
    return this.injected.filter((f) => (Object.keys(filter) as Array<keyof InjectedFault>).every((k) => f[k] === filter[k])).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  private decide(operation: string, n: number): InjectedFault | undefined {
    const f = this.faults;
    if (!f || operation === 'Other') return undefined;
    if (f.operations) {
      const ok = typeof f.operations === 'function' ? f.operations(operation) : f.operations.includes(operation);
      if (!ok) return undefined;
    }
    if (f.maxFaults !== undefined && this.injected.length >= f.maxFaults) return undefined;
    // Draw all three numbers every time, so the sequence depends only on the seed and the calls.
    const roll = this.random();
    const kinds = f.kinds ?? FAULT_KINDS;
    const phases = f.phases ?? ['before', 'after'];
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    const phase = phases[Math.floor(this.random() * phases.length)]!;
    if (roll >= f.rate) return undefined;
    const fault = { operation, kind, phase, n };
    this.injected.push(fault);
    return fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const operation = operationOf(req.headers);
    const n = (this.requests[operation] ?? 0) + 1;
    this.requests[operation] = n;
    const fault = this.decide(operation, n);
    const slowMs = this.faults?.slowMs ?? 1500;

    const strike = async (): Promise<boolean> => {
      if (!fault) return false;
      if (fault.kind === 'slow') {
        await sleep(slowMs);
        return false;
      }
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return true;
      }
      const { status, body: errBody } = errorBody(fault.kind);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `fault-${this.injected.length}`,
        'content-length': Buffer.byteLength(errBody),
      });
      res.end(errBody);
      return true;
    };

    if (fault?.phase === 'before' && (await strike())) return;

    let upstream: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      upstream = await this.forward(req, body);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: the emulator did not answer: ${(err as Error).message}`);
      }
      return;
    }
    if (operation !== 'Other') {
      const done = (this.forwarded[operation] ?? 0) + 1;
      this.forwarded[operation] = done;
      if (this.onResponse) await this.onResponse(operation, done);
    }
    if (fault?.phase === 'after' && (await strike())) return;
    if (res.destroyed) return;
    const headers = { ...upstream.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(upstream.body.length);
    res.writeHead(upstream.status, headers);
    res.end(upstream.body);
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.target.host };
      delete headers.connection;
      const up = http.request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers, agent: this.agent }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const p = new FaultProxy(opts);
  await p.start();
  return p;
}

// ---- what the estate holds, for the no-duplicate checks ------------------------------

export interface Inventory {
  /** cluster name -> service names (ACTIVE or DRAINING), sorted */
  services: Record<string, string[]>;
  /** family -> ACTIVE revision ARNs */
  revisions: Record<string, string[]>;
}

/** ListClusters, ListServices per cluster, ListTaskDefinitions (ACTIVE) per family: straight to the emulator. */
export async function inventory(ecs: ECSClient, families: readonly string[]): Promise<Inventory> {
  const services: Record<string, string[]> = {};
  const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  for (const arn of clusters) {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const list = (await ecs.send(new ListServicesCommand({ cluster: name, maxResults: 100 }))).serviceArns ?? [];
    const names: string[] = [];
    for (let i = 0; i < list.length; i += 10) {
      const d = await ecs.send(new DescribeServicesCommand({ cluster: name, services: list.slice(i, i + 10) }));
      for (const s of d.services ?? []) if (s.status !== 'INACTIVE') names.push(s.serviceName ?? '?');
    }
    services[name] = names.sort();
  }
  const revisions: Record<string, string[]> = {};
  for (const family of families) {
    const r = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', maxResults: 100 }));
    revisions[family] = (r.taskDefinitionArns ?? []).filter((a) => a.includes(`task-definition/${family}:`));
  }
  return { services, revisions };
}

/** Revisions beyond `expected` per family (a positive number means duplicates). */
export function extraRevisions(inv: Inventory, expected: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [family, n] of Object.entries(expected)) {
    const extra = (inv.revisions[family]?.length ?? 0) - n;
    if (extra !== 0) out[family] = extra;
  }
  return out;
}
