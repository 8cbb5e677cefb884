// DescribeServices answers are cut to each service's newest events before the SDK
// deserializes them (src/aws/trim-service-events.ts): the same answer, fewer objects.
// The last test runs the real ECS client against a local HTTP server answering as ECS
// does, with the 100 events a long-running service has.
import { createServer, type Server } from 'node:http';
import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_EVENTS_READ } from '../src/aws/ecs-api.js';
import { AwsGateway } from '../src/aws/sdk-gateway.js';
import { trimmedBody, trimServiceEventsMiddleware } from '../src/aws/trim-service-events.js';

function service(name: string, events: number) {
  return {
    serviceName: name,
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
    status: 'ACTIVE',
    desiredCount: 2,
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', createdAt: 1733100000.5 }],
    // ECS lists the newest first
    events: Array.from({ length: events }, (_, k) => ({ id: `e-${k}`, createdAt: 1733100000 - k * 21600, message: `(service ${name}) event ${k}` })),
  };
}

const answer = (events: number) => ({ services: [service('web', events), service('api', 3)], failures: [{ arn: 'arn:x', reason: 'MISSING' }] });
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

describe('trimmedBody', () => {
  it('keeps the newest events of each service and every other field as it was', () => {
    const out = JSON.parse(Buffer.from(trimmedBody(bytes(answer(100)))).toString('utf8'));
    const expected = answer(100);
    expected.services[0]!.events = expected.services[0]!.events.slice(0, SERVICE_EVENTS_READ);
    expect(out).toEqual(expected);
    expect(out.services[0].events.map((e: { id: string }) => e.id)).toEqual(Array.from({ length: 10 }, (_, k) => `e-${k}`));
  });

  it('hands back the same bytes when nothing is over the limit, or the text is not the answer it expects', () => {
    for (const b of [bytes(answer(10)), Buffer.from('not json'), bytes({ clusters: [] }), bytes(null), bytes({ services: 'x' })])
      expect(trimmedBody(b)).toBe(b);
  });
});

describe('trimServiceEventsMiddleware', () => {
  const raw = (statusCode: number, body: unknown) => async () => ({ response: { statusCode, body } });

  it('reads a streamed DescribeServices answer and leaves other operations and failed answers alone', async () => {
    async function* stream() {
      const b = bytes(answer(100));
      yield b.subarray(0, 1000);
      yield b.subarray(1000);
    }
    const described = await trimServiceEventsMiddleware(raw(200, stream()), { commandName: 'DescribeServicesCommand' })({});
    const body = (described.response as { body: Uint8Array }).body;
    expect(JSON.parse(Buffer.from(body).toString('utf8')).services[0].events).toHaveLength(SERVICE_EVENTS_READ);
    const other = stream();
    expect(((await trimServiceEventsMiddleware(raw(200, other), { commandName: 'DescribeClustersCommand' })({})).response as { body: unknown }).body).toBe(
      other,
    );
    const failed = stream();
    expect(((await trimServiceEventsMiddleware(raw(400, failed), { commandName: 'DescribeServicesCommand' })({})).response as { body: unknown }).body).toBe(
      failed,
    );
  });
});

describe('the ECS client with the middleware, against an HTTP server answering as ECS does', () => {
  let server: Server;
  let client: ECSClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
        res.end(JSON.stringify(target.endsWith('.DescribeServices') ? answer(100) : { clusterArns: ['arn:aws:ecs:eu-west-1:123456789012:cluster/prod'] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    client = new ECSClient({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    client.middlewareStack.add(trimServiceEventsMiddleware as never, { step: 'deserialize', priority: 'low', name: 'trim' });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('deserializes the trimmed answer: 10 events of 100, as Dates, the rest of the answer whole', async () => {
    const out = await client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'api', 'gone'] }));
    expect(out.services?.map((s) => [s.serviceName, s.events?.length])).toEqual([
      ['web', 10],
      ['api', 3],
    ]);
    expect(out.services?.[0]?.events?.[0]).toEqual({ id: 'e-0', createdAt: new Date(1733100000 * 1000), message: '(service web) event 0' });
    expect(out.services?.[0]?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(out.failures).toEqual([{ arn: 'arn:x', reason: 'MISSING' }]);
    expect(out.$metadata.requestId).toBe('req-1');
    // another operation's answer is untouched
    expect((await client.send(new ListClustersCommand({}))).clusterArns).toHaveLength(1);
  });
});

describe("the controller's gateway", () => {
  it('puts the trim inside the SDK deserializer of both its ECS clients (the answers it reads never reach the SDK whole)', () => {
    const gw = new AwsGateway({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', rateLimits: 'off' });
    for (const client of ['ecs', 'ecsOnce'] as const) {
      const stack = (gw as unknown as Record<typeof client, ECSClient>)[client].middlewareStack.identify();
      const trim = stack.findIndex((m) => m.startsWith('ecsReconcilerTrimServiceEvents'));
      const deserializer = stack.findIndex((m) => m.startsWith('deserializerMiddleware'));
      expect(trim, `${client}: ${stack.join(', ')}`).toBeGreaterThan(deserializer);
      expect(deserializer).toBeGreaterThanOrEqual(0);
    }
  });
});
