// The DescribeServices events trim's byte scan alone (src/aws/trim-service-events.ts,
// trimmedAnswer): its CPU over the answers of a 10,000-service warm pass (1,000 answers of
// 10 services, each with the 100 events ECS keeps, about 150 KB of JSON an answer), against
// the scanner as it was before it was made cheaper (test/support/trim-service-events-reference.ts),
// in turns (reference, current, reference, current...) because this machine's speed
// drifts over minutes. Every answer's output is checked to be the reference's first.
//   npx tsc -p bench/tsconfig.fake.json && node bench/trim-scan.mjs [--answers 1000] [--rounds 6]
import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { serviceEvents } from './service-events.mjs';

const { values: args } = parseArgs({ options: { answers: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '6' } } });
const dist = new URL('../dist-bench/', import.meta.url);
const { trimmedAnswer } = await import(new URL('src/aws/trim-service-events.js', dist));
const { referenceTrimmedBody } = await import(new URL('test/support/trim-service-events-reference.js', dist));
const { SERVICE_EVENTS_READ } = await import(new URL('src/aws/ecs-api.js', dist));

// the aws-cli's published answer's service (ECS's own member order and shapes), renamed, with 100 events
const published = JSON.parse(readFileSync(new URL('../test/fixtures/ecs-shapes/awscli-describe-services.json', import.meta.url), 'utf8')).services[0];
/** JSON with Dates as epoch seconds, as the JSON protocol sends timestamps (bench/fake-aws-server.mjs) */
const json = (value) =>
  JSON.stringify(value, function (k, v) {
    const raw = this[k];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
/** 100 distinct answers, used in turn: more bytes than the caches hold, as a pass's answers are */
const bodies = Array.from({ length: 100 }, (_, a) => {
  const services = Array.from({ length: 10 }, (_, s) => {
    const name = `svc-${String(a * 10 + s).padStart(5, '0')}`;
    return {
      ...published,
      serviceName: name,
      serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod-${a % 10}/${name}`,
      events: serviceEvents(name, 100),
    };
  });
  return Buffer.from(json({ services, failures: [] }), 'utf8');
});

for (const body of bodies) {
  const reference = referenceTrimmedBody(body, SERVICE_EVENTS_READ);
  const out = trimmedAnswer(body);
  if (!Buffer.from(out.body).equals(Buffer.from(reference.body)) || out.onlyPlainNumbers !== reference.onlyPlainNumbers || !reference.onlyPlainNumbers)
    throw new Error('the scanner does not give the reference its answer');
}

const answers = Number(args.answers);
const scans = {
  reference: (b) => referenceTrimmedBody(b, SERVICE_EVENTS_READ).body,
  current: (b) => trimmedAnswer(b).body,
};
function cpuMsOf(scan) {
  const before = cpuUsage();
  let bytes = 0;
  for (let k = 0; k < answers; k++) bytes += scan(bodies[k % bodies.length]).length;
  const used = cpuUsage(before);
  if (bytes === 0) throw new Error('nothing scanned');
  return (used.user + used.system) / 1000;
}
// the JIT warmed for both before anything is measured
for (const scan of Object.values(scans)) cpuMsOf(scan);
const runs = { reference: [], current: [] };
for (let r = 0; r < Number(args.rounds); r++)
  for (const [name, scan] of Object.entries(scans)) {
    globalThis.gc?.();
    runs[name].push(Math.round(cpuMsOf(scan)));
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bodies.reduce((a, b) => a + b.length, 0) / bodies.length) * answers;
process.stdout.write(
  `${JSON.stringify({ answers, bytesPerAnswer: Math.round(mb / answers), runsMs: runs, medianMs: { reference: median(runs.reference), current: median(runs.current) } })}\n`,
);
