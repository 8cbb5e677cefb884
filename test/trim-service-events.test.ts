// DescribeServices answers are cut to each service's newest events before the SDK
// deserializes them (src/aws/trim-service-events.ts, called by the ECS clients' protocol,
// src/aws/ecs-protocol.ts): the same answer, fewer objects. The last tests run the real ECS
// client with that protocol against a local HTTP server answering as ECS does, with the 100
// events a long-running service has.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVICE_EVENTS_READ } from '../src/aws/ecs-api.js';
import { EcsJsonProtocol } from '../src/aws/ecs-protocol.js';
import { AwsGateway } from '../src/aws/sdk-gateway.js';
import { type TrimmedAnswer, trimmedAnswer } from '../src/aws/trim-service-events.js';
import { mulberry32 } from './seeded-random.js';
import { ecsClientAnswering } from './support/ecs-client-answering.js';
import { referenceTrimmedBody } from './support/trim-service-events-reference.js';

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

describe('trimmedAnswer', () => {
  it('keeps the newest events of each service and every other field as it was', () => {
    const out = JSON.parse(Buffer.from(trimmedAnswer(bytes(answer(100))).body).toString('utf8'));
    const expected = answer(100);
    expected.services[0]!.events = expected.services[0]!.events.slice(0, SERVICE_EVENTS_READ);
    expect(out).toEqual(expected);
    expect(out.services[0].events.map((e: { id: string }) => e.id)).toEqual(Array.from({ length: 10 }, (_, k) => `e-${k}`));
  });

  it('hands back the same bytes when nothing is over the limit, or the text is not the answer it expects', () => {
    for (const b of [bytes(answer(10)), Buffer.from('not json'), bytes({ clusters: [] }), bytes(null), bytes({ services: 'x' })])
      expect(trimmedAnswer(b).body).toBe(b);
  });
});

/**
 * The cut as it was made before the byte scanner, and as its meaning is: JSON.parse of the
 * whole text, each service's events sliced, JSON.stringify. The scanner's output must parse
 * to what this gives, and be the very bytes it was given wherever this gives them back.
 */
function parsedCut(bytes: Uint8Array, keep: number): Uint8Array {
  let answer: unknown;
  try {
    answer = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return bytes;
  }
  const services = (answer as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) return bytes;
  let cut = false;
  for (const s of services) {
    const events = (s as { events?: unknown } | null)?.events;
    if (Array.isArray(events) && events.length > keep) {
      (s as { events: unknown[] }).events = events.slice(0, keep);
      cut = true;
    }
  }
  return cut ? Buffer.from(JSON.stringify(answer), 'utf8') : bytes;
}

type Outcome = 'cut' | 'whole' | 'not-json';
function expectTheParsedCut(text: string | Uint8Array, keep: number): Outcome {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out = trimmedAnswer(bytes, keep).body;
  const reference = parsedCut(bytes, keep);
  if (reference === bytes) {
    expect(out, Buffer.from(bytes).toString('utf8')).toBe(bytes);
    try {
      JSON.parse(Buffer.from(bytes).toString('utf8'));
      return 'whole';
    } catch {
      return 'not-json';
    }
  }
  expect(out).not.toBe(bytes);
  expect(JSON.parse(Buffer.from(out).toString('utf8')), Buffer.from(bytes).toString('utf8')).toEqual(JSON.parse(Buffer.from(reference).toString('utf8')));
  return 'cut';
}

/**
 * Where trimmedAnswer says the services are, they are: the `services` array's brackets (the
 * answer less its elements parses as the answer with none), each service's bytes (they parse
 * as that service) and its serviceArn's (the string's text inside its quotes). Given only for
 * an answer with one `services` array whose every element is an object with one serviceArn string.
 */
function expectServiceSpans(text: string | Uint8Array, keep: number): 'spans' | 'none' {
  const { body, services } = trimmedAnswer(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, keep);
  if (!services) return 'none';
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parsed = JSON.parse(b.toString('utf8'));
  const list = parsed.services as Array<Record<string, unknown>>;
  expect(b[services.open]).toBe(0x5b);
  expect(b[services.close - 1]).toBe(0x5d);
  expect(JSON.parse(b.toString('utf8', 0, services.open + 1) + b.toString('utf8', services.close - 1))).toEqual({ ...parsed, services: [] });
  expect(services.spans.length).toBe(list.length * 4);
  list.forEach((service, k) => {
    const [start, end, arnStart, arnEnd] = services.spans.subarray(4 * k, 4 * k + 4);
    expect(JSON.parse(b.toString('utf8', start, end))).toEqual(service);
    expect(JSON.parse(`"${b.toString('utf8', arnStart, arnEnd)}"`)).toBe(service.serviceArn);
  });
  return 'spans';
}

/** the same corpus on every run */
function seeded(seed: number) {
  const next = mulberry32(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Random = ReturnType<typeof seeded>;

const PIECES = [
  'a',
  'steady',
  ' ',
  '"',
  '\\',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '\\"]}',
  'é',
  '日本',
  '😀',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u2028',
  'events',
  'services',
  '/',
];
const randomText = (r: Random) => Array.from({ length: r.int(12) }, () => r.pick(PIECES)).join('');
const randomNumber = (r: Random) => r.pick([0, 7, -3, 1466801808.595, 1e21, -2.5e-7, 2 ** 64, 0.1]);

function randomValue(r: Random, depth: number): unknown {
  const k = r.int(depth > 3 ? 5 : 8);
  if (k === 0) return null;
  if (k === 1) return r.next() < 0.5;
  if (k === 2) return randomNumber(r);
  if (k < 5) return randomText(r);
  if (k === 5) return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let m = r.int(4); m > 0; m--) o[r.pick(['events', 'services', 'message', randomText(r)])] = randomValue(r, depth + 1);
  return o;
}

function randomEvent(r: Random, k: number): unknown {
  if (r.next() < 0.03) return r.pick([null, 'not an event', [1, 2], 5]);
  const e: Record<string, unknown> = { id: `e-${k}`, createdAt: 1733100000 - k * 21600, message: randomText(r) };
  if (r.next() < 0.2) e.extra = randomValue(r, 2);
  return e;
}

function randomService(r: Random): unknown {
  if (r.next() < 0.05) return r.pick([null, 'arn', 3, []]);
  const name = `svc-${randomText(r)}`;
  const members: Array<[string, unknown]> = [
    ['serviceName', name],
    ['serviceArn', `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`],
    ['status', 'ACTIVE'],
    ['desiredCount', r.int(10)],
    ['deployments', [{ id: 'ecs-svc/1', status: 'PRIMARY', createdAt: 1733100000.5, nested: randomValue(r, 2) }]],
    ['tags', [{ key: randomText(r), value: randomText(r) }]],
    // deeper `events` and `services` members are not the service's: they stay whole
    ['deploymentConfiguration', { events: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], services: [{ events: [1, 2, 3] }] }],
  ];
  const shape = r.int(10);
  if (shape < 6) members.push(['events', Array.from({ length: r.int(30) }, (_, k) => randomEvent(r, k))]);
  else if (shape === 6) members.push(['events', []]);
  else if (shape === 7) members.push(['events', r.pick([null, 'none', { 0: 'a' }, 17])]);
  // else: no events at all
  for (let m = members.length - 1; m > 0; m--) {
    const j = r.int(m + 1);
    [members[m], members[j]] = [members[j]!, members[m]!];
  }
  return Object.fromEntries(members);
}

function randomAnswer(r: Random): unknown {
  const members: Array<[string, unknown]> = [['services', Array.from({ length: r.int(11) }, () => randomService(r))]];
  if (r.next() < 0.8) members.push(['failures', r.next() < 0.5 ? [] : [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/gone', reason: 'MISSING' }]]);
  if (r.next() < 0.2) members.push(['unrelated', randomValue(r, 1)]);
  if (r.next() < 0.5) members.reverse();
  return r.next() < 0.03 ? r.pick([{ services: 'x' }, { services: null }, [], 'text', 5]) : Object.fromEntries(members);
}

/** JSON text with whitespace of every kind between tokens and, in string values, characters written as \u escapes (and `/` as `\/`) */
function looseJson(r: Random, v: unknown, key = false): string {
  const ws = () => r.pick(['', '', ' ', '\n', '\r\n', '\t', '  \n    ']);
  if (v === null || typeof v !== 'object') {
    if (typeof v !== 'string' || key) return JSON.stringify(v);
    let out = '"';
    for (const ch of v) {
      const plain = JSON.stringify(ch).slice(1, -1);
      const roll = r.next();
      if (ch === '/' && roll < 0.5) out += '\\/';
      else if (roll < 0.15 && ch.length === 1)
        out += `\\u${ch
          .charCodeAt(0)
          .toString(16)
          .padStart(4, r.pick(['0']))}`;
      else out += plain;
    }
    return `${out}"`;
  }
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => looseJson(r, x)).join(`${ws()},${ws()}`)}${ws()}]`;
  return `{${ws()}${Object.entries(v)
    .map(([k, x]) => `${looseJson(r, k, true)}${ws()}:${ws()}${looseJson(r, x)}`)
    .join(`${ws()},${ws()}`)}${ws()}}`;
}

function grownEvents(answer: { services: Array<{ events?: unknown[] }> }, count: number) {
  for (const s of answer.services) {
    const base = s.events?.length ? s.events : [{ id: 'e', createdAt: 1466801812.435, message: '(service x) has reached a steady state.' }];
    s.events = Array.from({ length: count }, (_, k) => ({ ...(base[k % base.length] as object), id: `e-${k}` }));
  }
  return answer;
}

/** published answers: the aws-cli example of describe-services, the test fixtures of DescribeServices, and published create-service outputs as a DescribeServices answer */
function publishedAnswers(): Array<[string, string]> {
  const fixtures = new URL('./fixtures/', import.meta.url);
  const out: Array<[string, string]> = [];
  for (const f of ['ecs-shapes/awscli-describe-services.json', 'export/describe-services.json', 'normalize/describe-services.json'])
    out.push([f, readFileSync(new URL(f, fixtures), 'utf8')]);
  const outputs = new URL('corpus/published-outputs/', fixtures);
  for (const f of readdirSync(outputs).filter((x) => x.endsWith('--create-output.json'))) {
    const text = readFileSync(new URL(f, outputs), 'utf8').replace(/^\/\/.*\n/, '');
    out.push([f, `{"services": [${JSON.stringify(JSON.parse(text).service, null, 2)}], "failures": []}`]);
  }
  return out;
}

describe('trimmedAnswer reads the bytes as JSON.parse does', () => {
  it('cuts published DescribeServices answers as JSON.parse and a slice do: as printed, and grown to 100 events compact, indented and loose', () => {
    const published = publishedAnswers();
    expect(published.length).toBeGreaterThanOrEqual(6);
    const r = seeded(19);
    for (const [name, text] of published) {
      expect(JSON.parse(text).services?.length, name).toBeGreaterThan(0);
      for (const keep of [0, 1, SERVICE_EVENTS_READ]) {
        expectTheParsedCut(text, keep);
        // ECS's answers name each service's ARN: every one is read service by service
        expect(expectServiceSpans(text, keep), name).toBe('spans');
      }
      const grown = grownEvents(JSON.parse(text), 100);
      for (const form of [JSON.stringify(grown), JSON.stringify(grown, null, 4), looseJson(r, grown)]) {
        expect(expectTheParsedCut(form, SERVICE_EVENTS_READ), name).toBe('cut');
        expect(expectServiceSpans(form, SERVICE_EVENTS_READ), name).toBe('spans');
      }
    }
  });

  it('cuts a generated corpus as JSON.parse and a slice do: escapes, brackets and unicode in messages, nested objects, events anywhere or missing, empty arrays, loose whitespace', () => {
    const r = seeded(2026);
    const outcomes: Record<Outcome, number> = { cut: 0, whole: 0, 'not-json': 0 };
    const spans = { spans: 0, none: 0 };
    for (let k = 0; k < 1500; k++) {
      const answer = randomAnswer(r);
      const keep = r.pick([0, 1, 3, SERVICE_EVENTS_READ]);
      const text = r.next() < 0.5 ? looseJson(r, answer) : JSON.stringify(answer, null, r.pick([0, 2, '\t']));
      outcomes[expectTheParsedCut(text, keep)]++;
      spans[expectServiceSpans(text, keep)]++;
      // and the same text broken: cut short, or one byte changed or put in
      const bytes = Buffer.from(text, 'utf8');
      const at = r.int(bytes.length);
      const mutated = r.pick([
        () => bytes.subarray(0, at),
        () =>
          Buffer.concat([
            bytes.subarray(0, at),
            Buffer.from(r.pick(['"', '\\', ']', '}', ',', ':', 'x', '\u0001', '1', ' ']), 'utf8'),
            bytes.subarray(at + r.int(2)),
          ]),
      ])();
      outcomes[expectTheParsedCut(mutated, keep)]++;
    }
    // the corpus is not vacuous: every outcome happens, often
    expect(outcomes.cut).toBeGreaterThan(500);
    expect(outcomes.whole).toBeGreaterThan(300);
    expect(outcomes['not-json']).toBeGreaterThan(700);
    // answers with services spans, and answers without (an element that is not a service object)
    expect(spans.spans).toBeGreaterThan(500);
    expect(spans.none).toBeGreaterThan(200);
  });

  it('says where the services are only for an answer read service by service: one services array, each element an object with one serviceArn string', () => {
    const arn = (n: string) => `"serviceArn":"arn:aws:ecs:eu-west-1:123456789012:service/prod/${n}"`;
    const none = [
      `{"services":[{${arn('a')}},{"serviceName":"b"}],"failures":[]}`,
      `{"services":[{${arn('a')}},"b"],"failures":[]}`,
      `{"services":[{${arn('a')},${arn('a2')}}],"failures":[]}`,
      `{"services":[{"serviceArn":7}],"failures":[]}`,
      `{"services":[{${arn('a')}}],"services":[{${arn('b')}}]}`,
      `{"failures":[]}`,
    ];
    for (const text of none) expect(trimmedAnswer(Buffer.from(text)).services, text).toBeUndefined();
    for (const text of [`{"services":[],"failures":[]}`, `{"failures":[],"services":[{${arn('a')},"events":[]}, {"events":[{"message":"x"}],${arn('b')}}]}`])
      expect(expectServiceSpans(text, 0), text).toBe('spans');
  });

  it('keeps the bytes it does not cut as they were: numbers beyond a double, escapes, spacing', () => {
    const events = Array.from({ length: 12 }, (_, k) => `{"id":"e-${k}","createdAt":1733100000.000,"message":"a \\"quoted\\" \\u00e9 [x]}"}`).join(' ,\n ');
    const text = `{ "services" : [ { "desiredCount" : 12345678901234567890 , "events" : [ ${events} ] , "x":-0.0e+0 } ] }`;
    const out = Buffer.from(trimmedAnswer(Buffer.from(text)).body).toString('utf8');
    const kept = Array.from(
      { length: SERVICE_EVENTS_READ },
      (_, k) => `{"id":"e-${k}","createdAt":1733100000.000,"message":"a \\"quoted\\" \\u00e9 [x]}"}`,
    ).join(' ,\n ');
    expect(out).toBe(`{ "services" : [ { "desiredCount" : 12345678901234567890 , "events" : [ ${kept}] , "x":-0.0e+0 } ] }`);
  });

  it('hands the SDK the answer whole where its reading would need more than the scanner does: a key spelt with escapes, nesting deeper than any ECS answer', () => {
    const events = JSON.stringify(Array.from({ length: 12 }, (_, k) => ({ id: `e-${k}` })));
    // JSON.parse reads "\u0065vents" as events; splitDescribedServices (ecs-api.ts) still keeps only the newest
    const escaped = Buffer.from(`{"services":[{"\\u0065vents":${events}}]}`);
    expect(trimmedAnswer(escaped).body).toBe(escaped);
    const deep = Buffer.from(`{"services":[{"events":${events},"x":${'['.repeat(100)}${']'.repeat(100)}}]}`);
    expect(trimmedAnswer(deep).body).toBe(deep);
    // a duplicated member: JSON.parse keeps the last, and both are cut
    const twice = `{"services":[{"events":${events},"events":${events}}],"services":[{"events":${events}}]}`;
    expect(expectTheParsedCut(twice, SERVICE_EVENTS_READ)).toBe('cut');
  });
});

/**
 * The scanner against the byte-by-byte scanner it replaced (test/support/trim-service-events-reference.ts):
 * the very bytes out for every body (the same object where that one gave the body back), and
 * the plain-number mark that lets ecs-protocol.ts parse without the SDK's reviver wherever that
 * one set it. The mark is set on more answers than that one's since it was made to follow the
 * SDK's own test (isRepresentable: ECS's timestamps in exponent form, `1.619952106055E9`); what
 * it is set on is held to the SDK's reading of each number in test/ecs-protocol.test.ts, and
 * here to a body JSON.parse reads.
 */
function expectTheReferenceScan(bytes: Uint8Array, keep: number): ReturnType<typeof referenceTrimmedBody> {
  const reference = referenceTrimmedBody(bytes, keep);
  const out: TrimmedAnswer = trimmedAnswer(bytes, keep);
  const shown = () => Buffer.from(bytes).toString('utf8');
  expect(out.body === bytes, shown()).toBe(reference.body === bytes);
  expect(Buffer.from(out.body).equals(Buffer.from(reference.body)), shown()).toBe(true);
  if (reference.onlyPlainNumbers) expect(out.onlyPlainNumbers, shown()).toBe(true);
  if (out.onlyPlainNumbers) expect(() => JSON.parse(Buffer.from(out.body).toString('utf8')), shown()).not.toThrow();
  return reference;
}

/** number texts of every JSON form: signs, zeros, fractions, exponents of both cases and signs, integers past 15 digits and past a double's exact range */
const NUMBER_TEXTS = [
  '0',
  '-0',
  '7',
  '-3',
  '10',
  '0.5',
  '-0.0',
  '1.50',
  '1466801808.595',
  '1733100000.000',
  '1e5',
  '1E5',
  '1e+5',
  '1E-5',
  '-2.5e-7',
  '0e0',
  '1.0E+21',
  '123456789012345',
  '-123456789012345',
  '1234567890123456',
  '9007199254740991',
  '9007199254740993',
  '12345678901234567890',
  '1e400',
  '5e-324',
];
/** the texts of NUMBER_TEXTS that the SDK's reviver gives back as JSON.parse reads them (String() of the value, inside the safe integer range) */
const PLAIN_NUMBER_TEXTS = ['0', '7', '-3', '10', '0.5', '1466801808.595', '123456789012345', '9007199254740991', '5e-324'];
let numberTexts = NUMBER_TEXTS;
const randomNumberText = (r: Random) => r.pick(numberTexts);
const twelveNumbers = (r: Random) => Array.from({ length: 12 }, () => randomNumberText(r));
/** string texts as JSON writes them and as it may: escapes of every kind (\u0022 and \u005c too), `/` as `\/`, brackets and braces, unicode */
function randomStringText(r: Random): string {
  let out = '"';
  for (const ch of randomText(r)) {
    const roll = r.next();
    if (roll < 0.1 && ch.length === 1) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else if (roll < 0.15 && ch.length === 1) out += `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    else if (ch === '/' && roll < 0.5) out += '\\/';
    else out += JSON.stringify(ch).slice(1, -1);
  }
  return `${out}"`;
}
const spaces = (r: Random) => r.pick(['', '', '', ' ', '\n', '\r\n', '\t', '  \n    ']);
function randomValueText(r: Random, depth: number): string {
  const k = r.int(depth > 3 ? 6 : 8);
  if (k === 0) return r.pick(['null', 'true', 'false']);
  if (k < 3) return randomNumberText(r);
  if (k < 6) return randomStringText(r);
  if (k === 6)
    return arrayText(
      r,
      Array.from({ length: r.int(4) }, () => randomValueText(r, depth + 1)),
    );
  return objectText(
    r,
    Array.from({ length: r.int(4) }, () => [r.pick(['"events"', '"services"', '"message"', randomStringText(r)]), randomValueText(r, depth + 1)]),
  );
}
const arrayText = (r: Random, items: string[]) => `[${spaces(r)}${items.join(`${spaces(r)},${spaces(r)}`)}${spaces(r)}]`;
const objectText = (r: Random, members: Array<[string, string]>) =>
  `{${spaces(r)}${members.map(([k, v]) => `${k}${spaces(r)}:${spaces(r)}${v}`).join(`${spaces(r)},${spaces(r)}`)}${spaces(r)}}`;
function shuffled<T>(r: Random, xs: T[]): T[] {
  for (let m = xs.length - 1; m > 0; m--) {
    const j = r.int(m + 1);
    [xs[m], xs[j]] = [xs[j]!, xs[m]!];
  }
  return xs;
}
function randomEventText(r: Random, k: number): string {
  if (r.next() < 0.03) return randomValueText(r, 3);
  const members: Array<[string, string]> = [
    ['"id"', `"e-${k}"`],
    ['"createdAt"', randomNumberText(r)],
    ['"message"', randomStringText(r)],
  ];
  if (r.next() < 0.2) members.push([randomStringText(r), randomValueText(r, 2)]);
  return objectText(r, shuffled(r, members));
}
function randomServiceText(r: Random): string {
  if (r.next() < 0.05) return randomValueText(r, 3);
  const members: Array<[string, string]> = [
    ['"serviceName"', randomStringText(r)],
    ['"desiredCount"', randomNumberText(r)],
    [
      '"deployments"',
      arrayText(r, [
        objectText(r, [
          ['"createdAt"', randomNumberText(r)],
          ['"nested"', randomValueText(r, 2)],
        ]),
      ]),
    ],
    // a deeper `events` member is not the service's: it stays whole
    ['"deploymentConfiguration"', objectText(r, [['"events"', arrayText(r, twelveNumbers(r))]])],
  ];
  const shape = r.int(10);
  if (shape < 7)
    members.push([
      '"events"',
      arrayText(
        r,
        Array.from({ length: r.int(30) }, (_, k) => randomEventText(r, k)),
      ),
    ]);
  else if (shape === 7) members.push(['"events"', randomValueText(r, 3)]);
  // else: no events at all; and wherever they are, not always last
  return objectText(r, shuffled(r, members));
}
function randomAnswerText(r: Random): string {
  const members: Array<[string, string]> = [
    [
      '"services"',
      arrayText(
        r,
        Array.from({ length: r.int(6) }, () => randomServiceText(r)),
      ),
    ],
  ];
  if (r.next() < 0.8)
    members.push([
      '"failures"',
      arrayText(
        r,
        r.next() < 0.5
          ? []
          : [
              objectText(r, [
                ['"arn"', '"arn:x"'],
                ['"reason"', '"MISSING"'],
              ]),
            ],
      ),
    ]);
  if (r.next() < 0.2) members.push([randomStringText(r), randomValueText(r, 1)]);
  return `${spaces(r)}${objectText(r, shuffled(r, members))}${spaces(r)}`;
}

describe('trimmedAnswer gives what the byte-by-byte scanner before it gave', () => {
  it('for generated answers, whole and broken: the same bytes out, the same fallback, the same plain-number mark (seeded)', () => {
    const r = seeded(1919);
    const outcomes = { cut: 0, cutPlain: 0, wholePlain: 0, wholeOther: 0 };
    for (let k = 0; k < 1500; k++) {
      // half the answers with plain numbers only, which ecs-protocol.ts reads without the reviver
      numberTexts = r.next() < 0.5 ? PLAIN_NUMBER_TEXTS : NUMBER_TEXTS;
      const text = randomAnswerText(r);
      const keep = r.pick([0, 1, 3, SERVICE_EVENTS_READ]);
      const bytes = Buffer.from(text, 'utf8');
      const variants: Uint8Array[] = [bytes];
      // cut short anywhere (a truncated answer), a byte changed, one put in, one taken out
      const at = r.int(bytes.length);
      variants.push(bytes.subarray(0, at));
      const byte = Buffer.from(r.pick(['"', '\\', ']', '}', '[', '{', ',', ':', 'x', 'u', '0', '-', '.', 'e', '\u0001', '\n', ' ', '\u001f', 'é']), 'utf8');
      variants.push(Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at + r.int(2))]));
      variants.push(Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]));
      for (const body of variants) {
        const reference = expectTheReferenceScan(body, keep);
        if (reference.body !== body) outcomes[reference.onlyPlainNumbers ? 'cutPlain' : 'cut']++;
        // given back whole: read and marked plain, or not marked (not read, or a number that is not plain)
        else outcomes[reference.onlyPlainNumbers ? 'wholePlain' : 'wholeOther']++;
      }
    }
    // the corpus is not vacuous: each outcome, often
    // the corpus is not vacuous: each outcome, often
    expect(outcomes.cut).toBeGreaterThan(500);
    expect(outcomes.cutPlain).toBeGreaterThan(500);
    expect(outcomes.wholePlain).toBeGreaterThan(400);
    expect(outcomes.wholeOther).toBeGreaterThan(2000);
  });

  it('for bodies that sit anywhere in their ArrayBuffer, and for a big one (7 MB), whole and truncated', () => {
    const r = seeded(7);
    const text = Buffer.from(randomAnswerText(r));
    const pool = Buffer.alloc(text.length + 40, 0x22);
    for (let offset = 0; offset < 17; offset++) {
      text.copy(pool, offset);
      expectTheReferenceScan(pool.subarray(offset, offset + text.length), SERVICE_EVENTS_READ);
    }
    // 10 services of 8,000 events each
    const events = Array.from(
      { length: 8000 },
      (_, k) => `{"id":"e-${k}","createdAt":1733100000.5,"message":"(service web) has reached a steady state. \\"${k}\\""}`,
    );
    const big = Buffer.from(
      `{"services":[${Array.from({ length: 10 }, (_, s) => `{"serviceName":"s${s}","events":[${events.join(',')}]}`).join(',')}],"failures":[]}`,
    );
    expect(big.length).toBeGreaterThan(7 * 1024 * 1024);
    expectTheReferenceScan(big, SERVICE_EVENTS_READ);
    // and a truncated one of that size
    expectTheReferenceScan(big.subarray(0, big.length - 3), SERVICE_EVENTS_READ);
  });
});

/** An ECS client with the controller's protocol, answered by `answer` for each call (no network), and the raw responses it was handed. */
function clientWithProtocol(answer: (target: string) => { statusCode: number; body: unknown }) {
  const responses: Array<{ statusCode: number; body: unknown }> = [];
  const client = ecsClientAnswering((target) => {
    const response = { ...answer(target), headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-7' } };
    responses.push(response);
    return response;
  }, EcsJsonProtocol);
  return { client, responses };
}

describe('EcsJsonProtocol trims the answer it is handed', () => {
  /** the answer as the SDK's NodeHttpHandler hands it on: a Node stream of the HTTP body, in chunks */
  const streamed = (text: Buffer) => Readable.from([text.subarray(0, 1000), text.subarray(1000)], { objectMode: false });

  it('reads a streamed DescribeServices answer cut to the newest events, and leaves other operations and failed answers alone', async () => {
    const failure = Buffer.from(JSON.stringify({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' }));
    const { client, responses } = clientWithProtocol((target) => {
      if (target.endsWith('.DescribeServices'))
        return { statusCode: responses.length === 0 ? 200 : 400, body: streamed(responses.length === 0 ? bytes(answer(100)) : failure) };
      return { statusCode: 200, body: streamed(bytes({ clusters: [{ clusterName: 'prod' }], failures: [] })) };
    });
    const described = await client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'api'] }));
    expect(described.services?.map((s) => s.events?.length)).toEqual([SERVICE_EVENTS_READ, 3]);
    // the stream was read, and the answer was read from memory the next call reuses: the response keeps none of it
    const body = responses[0]!.body as Uint8Array;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(body.byteLength).toBe(0);
    // another operation's stream goes to the SDK as it came
    const clusters = await client.send(new DescribeClustersCommand({ clusters: ['prod'] }));
    expect(clusters.clusters?.[0]?.clusterName).toBe('prod');
    expect(responses[1]!.body).toBeInstanceOf(Readable);
    // and so does a failed DescribeServices answer's, which the SDK words
    const failed = await client.send(new DescribeServicesCommand({ cluster: 'gone', services: ['web'] })).catch((err: Error) => err);
    expect(failed).toMatchObject({ name: 'ClusterNotFoundException', message: 'Cluster not found.' });
    expect(responses[2]!.body).toBeInstanceOf(Readable);
  });
});

describe('the ECS client with the protocol, against an HTTP server answering as ECS does', () => {
  let server: Server;
  let endpoint: string;
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
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    client = new ECSClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, protocol: EcsJsonProtocol });
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

  it("is how both of the controller's gateway's ECS clients read: the answers it reads never reach the SDK whole", async () => {
    // the gateway's clients take their credentials from the SDK's default chain
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'a');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'b');
    const gw = new AwsGateway({ region: 'eu-west-1', endpoint, rateLimits: 'off' });
    try {
      for (const name of ['ecs', 'ecsOnce'] as const) {
        const gatewayClient = (gw as unknown as Record<typeof name, ECSClient>)[name];
        const out = await gatewayClient.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'api'] }));
        expect(
          out.services?.map((s) => s.events?.length),
          name,
        ).toEqual([SERVICE_EVENTS_READ, 3]);
      }
    } finally {
      gw.destroy();
      vi.unstubAllEnvs();
    }
  });
});
