// The ECS clients' protocol (src/aws/ecs-protocol.ts) trims a DescribeServices answer's events
// and reads an answer with only plain numbers from a plain JSON.parse through the SDK's own
// schema reader: its output must be the SDK's own reading of the trimmed answer, Dates,
// documents, NumericValues and BigInts included. Each answer is sent through two ECS clients
// (a request handler, no network): ours, answered by the raw bytes as ECS sends them, and one
// with the SDK's own protocol, answered by the bytes the events trim makes of them.
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DescribeServicesCommand, type ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { SERVICE_EVENTS_READ } from '../src/aws/ecs-api.js';
import { EcsJsonProtocol } from '../src/aws/ecs-protocol.js';
import { AwsGateway } from '../src/aws/sdk-gateway.js';
import { trimmedAnswer } from '../src/aws/trim-service-events.js';
import { mulberry32 } from './seeded-random.js';
import { ecsClientAnswering } from './support/ecs-client-answering.js';

/** a client answering every call with these bytes, as ECS's HTTP answer would carry them */
function clientAnswering(text: () => string, protocol?: typeof EcsJsonProtocol): ECSClient {
  return ecsClientAnswering(
    () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amzn-RequestId': 'req-7' },
      body: Buffer.from(text(), 'utf8'),
    }),
    protocol,
  );
}

const describeServices = () => new DescribeServicesCommand({ cluster: 'prod', services: ['web'], include: ['TAGS'] });

/** what each client makes of the answer: its output, or the error's name and message; the SDK's reading the trimmed bytes */
async function bothReadings(text: string) {
  const trimmed = Buffer.from(trimmedAnswer(Buffer.from(text, 'utf8')).body).toString('utf8');
  const read = (c: ECSClient) =>
    c.send(describeServices()).then(
      (output) => ({ output }),
      (err: Error) => ({ error: `${err.name}: ${err.message}` }),
    );
  return { sdk: await read(clientAnswering(() => trimmed)), ours: await read(clientAnswering(() => text, EcsJsonProtocol)) };
}

/** the wire's timestamps: the fixtures that print them as ISO strings, as epoch seconds (what ECS sends) */
function onTheWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(onTheWire);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, typeof x === 'string' && /^\d{4}-\d\d-\d\dT/.test(x) ? Date.parse(x) / 1000 : onTheWire(x)]),
    );
  return v;
}

/**
 * A number as ECS writes it: ECS prints its timestamps as Java prints a double, in exponent
 * form from 10^7 up (a raw DescribeServices answer in boto/boto3#2845:
 * `"createdAt":1.619952106055E9`); JSON.stringify writes 1619952106.055.
 */
function asJavaDouble(x: number): string {
  if (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e7) return Number.isInteger(x) ? `${x}.0` : String(x);
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** the same answer with every number from 10^7 up (the timestamps: no count or size of an answer is as big) written as ECS writes it */
const withEcsNumbers = (text: string) =>
  text.replace(/(:)(-?\d+(?:\.\d+)?)(?=[,}\]])/g, (whole, colon: string, n: string) => (Math.abs(Number(n)) >= 1e7 ? colon + asJavaDouble(Number(n)) : whole));

function publishedAnswers(): Array<[string, string]> {
  const fixtures = new URL('./fixtures/', import.meta.url);
  const out: Array<[string, string]> = [];
  for (const f of ['ecs-shapes/awscli-describe-services.json', 'export/describe-services.json', 'normalize/describe-services.json'])
    out.push([f, JSON.stringify(onTheWire(JSON.parse(readFileSync(new URL(f, fixtures), 'utf8'))))]);
  const outputs = new URL('corpus/published-outputs/', fixtures);
  for (const f of readdirSync(outputs).filter((x) => x.endsWith('--create-output.json'))) {
    const service = JSON.parse(readFileSync(new URL(f, outputs), 'utf8').replace(/^\/\/.*\n/, '')).service;
    out.push([f, JSON.stringify({ services: [onTheWire(service)], failures: [] })]);
  }
  return out;
}

/** the same corpus on every run */
function seeded(seed: number) {
  const next = mulberry32(seed);
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

// number texts as they may come: ones the SDK's reviver gives back as JSON.parse reads them (ECS's
// exponent-form timestamps among them), and ones it turns into a NumericValue or a BigInt
const PLAIN = [
  '0',
  '7',
  '-3',
  '1733100000',
  '1733100000.5',
  '1466801808.595',
  '0.25',
  '0.000001',
  '1.619952106055E9',
  '1.7331E9',
  '1.50',
  '1e3',
  '-0',
  '2.5E+2',
];
const NOT_PLAIN = ['12345678901234567890', '9007199254740993', '100000000000000000000', '123456789012345678.5'];

/** a DescribeServices answer as text, its numbers from `numbers`: a deployment's lifecycle hook with a hookDetails document, events, tags */
function generatedAnswer(r: ReturnType<typeof seeded>, numbers: () => string): string {
  const service = (k: number) => {
    const events = Array.from(
      { length: Math.floor(r.next() * 30) },
      (_, j) => `{"id":"e-${j}","createdAt":${numbers()},"message":"(service s${k}) \\"x\\" [${j}]"}`,
    );
    const hook = `{"hookTargetArn":"arn:aws:lambda:eu-west-1:123456789012:function:hook","roleArn":"arn:aws:iam::123456789012:role/hook","lifecycleStages":["POST_SCALE_UP"],"hookDetails":{"n":${numbers()},"list":[${numbers()},{"deep":${numbers()}}],"s":"t"}}`;
    return `{"serviceName":"s${k}","desiredCount":${r.pick(['2', '0', '10'])},"createdAt":${numbers()},"deployments":[{"id":"ecs-svc/1","status":"PRIMARY","createdAt":${numbers()},"updatedAt":${numbers()}}],"deploymentConfiguration":{"maximumPercent":200,"minimumHealthyPercent":100,"lifecycleHooks":[${hook}]},"events":[${events.join(',')}],"tags":[{"key":"team","value":"web"}]}`;
  };
  return `{"services":[${Array.from({ length: 1 + Math.floor(r.next() * 10) }, (_, k) => service(k)).join(',')}],"failures":[]}`;
}

describe('EcsJsonProtocol reads DescribeServices as the SDK does', () => {
  it('gives the SDK’s own output for published answers, as printed and grown to 100 events (read as 10), with numbers as JSON.stringify and as ECS write them', async () => {
    const published = publishedAnswers();
    expect(published.length).toBeGreaterThanOrEqual(6);
    for (const [name, text] of published) {
      const grown = JSON.parse(text);
      for (const s of grown.services)
        s.events = Array.from({ length: 100 }, (_, k) => ({ ...(s.events?.[0] ?? { createdAt: 1466801812.435, message: 'steady' }), id: `e-${k}` }));
      const ecsForm = withEcsNumbers(JSON.stringify(grown));
      expect(ecsForm, name).toMatch(/"createdAt":\d\.\d+E9[,}]/);
      for (const answer of [text, JSON.stringify(grown), ecsForm]) {
        // read without the reviver, the timestamps in ECS's own form too
        expect(trimmedAnswer(Buffer.from(answer)).onlyPlainNumbers, name).toBe(true);
        const { sdk, ours } = await bothReadings(answer);
        expect('output' in sdk, name).toBe(true);
        expect(ours, name).toStrictEqual(sdk);
      }
      const { ours } = await bothReadings(JSON.stringify(grown));
      const services = (ours as { output: { services: Array<{ events: unknown[] }> } }).output.services;
      expect(
        services.map((s) => s.events.length),
        name,
      ).toStrictEqual(services.map(() => SERVICE_EVENTS_READ));
    }
  });

  it('gives the SDK’s own output for generated answers, plain numbers and numbers its reviver changes (in documents, timestamps, counts)', async () => {
    const r = seeded(19);
    const taken = { plain: 0, sdk: 0 };
    for (let k = 0; k < 300; k++) {
      const mix = r.pick([0, 0.02, 0.3]);
      const text = generatedAnswer(r, () => (r.next() < mix ? r.pick(NOT_PLAIN) : r.pick(PLAIN)));
      taken[trimmedAnswer(Buffer.from(text)).onlyPlainNumbers ? 'plain' : 'sdk']++;
      const { sdk, ours } = await bothReadings(text);
      expect(ours, text).toStrictEqual(sdk);
    }
    // both paths are taken, often
    expect(taken.plain).toBeGreaterThan(80);
    expect(taken.sdk).toBeGreaterThan(80);
  });

  it('marks an answer plain exactly where the SDK’s own reading gives its number back as JSON.parse reads it: exponent forms, trailing zeros, 15 to 20 digits, tiny and huge values (seeded)', async () => {
    const r = seeded(2845);
    const digits = (n: number, first = '123456789') => Array.from({ length: n }, (_, k) => (k === 0 ? r.pick([...first]) : r.pick([...'0123456789']))).join('');
    const generated = () => {
      const integer = r.next() < 0.3 ? '0' : digits(1 + Math.floor(r.next() * 20));
      const fraction = r.next() < 0.5 ? `.${digits(1 + Math.floor(r.next() * 20), '0123456789')}${r.next() < 0.3 ? '000' : ''}` : '';
      const exponent =
        r.next() < 0.5 ? `${r.pick(['e', 'E'])}${r.pick(['', '+', '-'])}${r.next() < 0.1 ? 300 + Math.floor(r.next() * 30) : Math.floor(r.next() * 30)}` : '';
      return `${r.next() < 0.2 ? '-' : ''}${integer}${fraction}${exponent}`;
    };
    const ecsTimestamp = () => `1.${digits(Math.floor(r.next() * 13), '0123456789')}${r.pick(['1', '5', '9'])}E9`;
    const texts = [...PLAIN, ...NOT_PLAIN, '1e-400', '1e400', '5e-324', '0e0', '-0.0', '9007199254740991', '9007199254740992', '1.0E21', '1e-21'];
    for (let k = 0; k < 1500; k++) texts.push(r.next() < 0.2 ? ecsTimestamp() : generated());
    let current = '';
    const sdk = clientAnswering(() => current);
    const taken = { plain: 0, reviver: 0 };
    for (const text of texts) {
      current = `{"services":[{"serviceName":"s","deploymentConfiguration":{"lifecycleHooks":[{"hookDetails":{"n":${text}}}]}}],"failures":[]}`;
      const output = await sdk.send(describeServices());
      // a document keeps what the reviver made of the number: the number JSON.parse reads, or a NumericValue or a BigInt
      const read = (output.services?.[0]?.deploymentConfiguration?.lifecycleHooks?.[0]?.hookDetails as { n?: unknown } | undefined)?.n;
      const keptAsRead = typeof read === 'number' && Object.is(read, JSON.parse(text));
      expect(trimmedAnswer(Buffer.from(current)).onlyPlainNumbers, text).toBe(keptAsRead);
      taken[keptAsRead ? 'plain' : 'reviver']++;
    }
    // both kinds, often
    expect(taken.plain).toBeGreaterThan(400);
    expect(taken.reviver).toBeGreaterThan(200);
  });

  it('fails as the SDK fails on an answer it cannot read (a timestamp that is not epoch seconds)', async () => {
    const { sdk, ours } = await bothReadings('{"services":[{"serviceName":"web","createdAt":"2025-01-02T03:05:00.000Z"}],"failures":[]}');
    expect('error' in sdk).toBe(true);
    expect(ours).toStrictEqual(sdk);
  });

  it('keeps on a deserialization error’s $response the answer it read, its own copy: the next call’s answer, read in the same memory, leaves it whole', async () => {
    const broken = '{"services":[{"serviceName":"web","createdAt":"2025-01-02T03:05:00.000Z"}],"failures":[]}';
    let current = broken;
    // as the SDK's NodeHttpHandler hands the body on: a stream, collected into the protocol's memory
    const client = ecsClientAnswering(
      () => ({
        statusCode: 200,
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amzn-RequestId': 'req-7' },
        body: Readable.from([Buffer.from(current, 'utf8')], { objectMode: false }),
      }),
      EcsJsonProtocol,
    );
    const err = (await client.send(describeServices()).catch((e: unknown) => e)) as { $response?: { body?: Uint8Array } };
    current = JSON.stringify({ services: [{ serviceName: 'x'.repeat(broken.length), createdAt: 1733100000.5 }], failures: [] });
    expect((await client.send(describeServices())).services?.[0]?.serviceName).toHaveLength(broken.length);
    expect(Buffer.from(err.$response!.body!).toString('utf8')).toBe(broken);
  });

  it('leaves other operations to the SDK', async () => {
    const text = '{"clusterArns":["arn:aws:ecs:eu-west-1:123456789012:cluster/prod"],"nextToken":"t"}';
    const read = (c: ECSClient) => c.send(new ListClustersCommand({}));
    expect(await read(clientAnswering(() => text, EcsJsonProtocol))).toStrictEqual(await read(clientAnswering(() => text)));
  });

  it("is the protocol of both of the gateway's ECS clients", () => {
    const gw = new AwsGateway({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', rateLimits: 'off' });
    for (const client of ['ecs', 'ecsOnce'] as const)
      expect((gw as unknown as Record<typeof client, ECSClient>)[client].config.protocol, client).toBeInstanceOf(EcsJsonProtocol);
  });
});

describe('EcsJsonProtocol reads DescribeServices service by service when the call knows answers (the daemon, issue 19)', () => {
  /** the gateway's describeServices, its ECS client answering with the bytes given (ours: the ECS clients' protocol; else the SDK's own) */
  function gatewayAnswering(text: () => string, protocol?: typeof EcsJsonProtocol): AwsGateway {
    const gw = new AwsGateway({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', rateLimits: 'off' });
    (gw as unknown as { ecs: ECSClient }).ecs = clientAnswering(text, protocol);
    return gw;
  }

  it('decodes every service as the SDK does and tags it; a known service whose bytes are the same is not decoded but named unchanged; a changed one is decoded again', async () => {
    let checked = 0;
    const published = publishedAnswers();
    // and one answer of 10 services, the published ones together, as a warm pass's call describes
    const together = published.flatMap(([, wire]) => JSON.parse(wire).services as Array<Record<string, unknown>>);
    const ten = Array.from({ length: 10 }, (_, k) => ({
      ...together[k % together.length],
      serviceArn: `${String(together[k % together.length]!.serviceArn)}-${k}`,
    }));
    for (const [name, wire] of [...published, ['ten services', JSON.stringify({ services: ten, failures: [] })] as [string, string]]) {
      const grown = JSON.parse(wire);
      for (const svc of grown.services)
        svc.events = Array.from({ length: 100 }, (_, k) => ({ ...(svc.events?.[0] ?? { createdAt: 1466801812.435, message: 'steady' }), id: `e-${k}` }));
      for (const form of [JSON.parse(wire), grown]) {
        const text = withEcsNumbers(JSON.stringify(form));
        const answer = JSON.parse(JSON.stringify(form)) as { services: Array<Record<string, unknown>> };
        const arns = answer.services.map((svc) => svc.serviceArn as string);
        let current = text;
        const ours = gatewayAnswering(() => current, EcsJsonProtocol);
        const sdk = gatewayAnswering(() => Buffer.from(trimmedAnswer(Buffer.from(current, 'utf8')).body).toString('utf8'));

        const first = await ours.describeServices('prod', ['web'], new Map());
        expect(first.services, name).toStrictEqual((await sdk.describeServices('prod', ['web'])).services);
        expect([...(first.answerTags?.keys() ?? [])], name).toStrictEqual(arns);
        expect(first.unchanged, name).toStrictEqual([]);

        const again = await ours.describeServices('prod', ['web'], first.answerTags);
        expect(again.services, name).toStrictEqual([]);
        expect(again.unchanged, name).toStrictEqual(arns);
        expect(again.missing, name).toStrictEqual(first.missing);

        // the first service changed by hand: it alone is decoded again, with a new tag
        answer.services[0]!.desiredCount = Number(answer.services[0]!.desiredCount ?? 0) + 1;
        current = withEcsNumbers(JSON.stringify(answer));
        const changed = await ours.describeServices('prod', ['web'], first.answerTags);
        expect(
          changed.services.map((svc) => svc.serviceArn),
          name,
        ).toStrictEqual([arns[0]]);
        expect(changed.services, name).toStrictEqual((await sdk.describeServices('prod', ['web'])).services.slice(0, 1));
        expect(changed.unchanged, name).toStrictEqual(arns.slice(1));
        expect(changed.answerTags?.get(arns[0]!), name).not.toBe(first.answerTags?.get(arns[0]!));

        // a call that knows nothing (a CLI run) reads the answer whole, untagged
        const plain = await ours.describeServices('prod', ['web']);
        expect(plain.services).toStrictEqual((await sdk.describeServices('prod', ['web'])).services);
        expect(plain.answerTags?.size ?? 0).toBe(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});
