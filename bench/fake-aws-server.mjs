// The in-memory fake AWS account (test/support/in-memory-gateway.ts) in a process of its
// own, behind HTTP: the AWS JSON protocol of ECS (X-Amz-Target
// AmazonEC2ContainerServiceV20141113.*), Application Auto Scaling
// (AnyScaleFrontendService.*), the Resource Groups Tagging API
// (ResourceGroupsTaggingAPI_20170126.GetResources) and SQS (AmazonSQS.*, the events
// queue), and STS GetCallerIdentity (the query protocol). So the real daemon
// (`ecs-reconciler run --endpoint URL`) can run against a 10,000-service account in
// another process, and its own peak RSS (VmHWM of its process) is the controller's alone:
// the account, its copies and its call log stay here (bench/fake-pass.mjs, the daemon's
// memory row). The emulator (moto) takes half an hour to seed that estate on this machine
// and its answers walk the whole account on every list call.
//
// The estate is bench/estate.mjs's, created here through the pipeline's own apply (so every
// service carries the tags an apply leaves: ownership, applied hash, revision record).
// Every service is then given the `events` a long-running ECS service carries: [API]
// Service.events "The event stream for your service. A maximum of 100 of the latest events
// are displayed." A steady service logs "has reached a steady state" about every 6 hours
// (the ECS developer guide, "Viewing Amazon ECS service event messages"), so a service
// running for a month has 100: --events-per-service 100 by default, the shape the
// controller meets in a real account (the fake itself keeps none).
//
// Paging is ECS's: ListServices / ListClusters / ListTaskDefinitions up to 100 a page
// (maxResults), DescribeScalableTargets and DescribeScheduledActions 50, DescribeScalingPolicies
// 10, GetResources 100 (ResourcesPerPage), DescribeCapacityProviders 10; the token is an offset.
//   node bench/fake-aws-server.mjs --dir DIR --services N [--clusters 10] [--events-per-service 100]
// Prints one JSON line {endpoint, queueUrl} on stdout when it listens. POST /bench/out-of-band
// {cluster, service, desiredCount, event} changes a service as someone else would and sends
// the event (a JSON string, the EventBridge envelope) to the queue.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { writeEstate } from './estate.mjs';
import { serviceEvents } from './service-events.mjs';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    services: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: '10' },
    'events-per-service': { type: 'string', default: '100' },
    region: { type: 'string', default: 'eu-west-1' },
  },
});
const REGION = args.region;
const dist = new URL('../dist-bench/', import.meta.url);
const { InMemoryGateways, FAKE_ACCOUNT } = await import(new URL('test/support/in-memory-gateway.js', dist));
const { runReconcilePass } = await import(new URL('src/pipeline/reconcile-pass.js', dist));
const { AwsCallError, tagsFromList, tagsToList } = await import(new URL('src/aws/index.js', dist));

const n = Number(args.services);
const clusters = Number(args.clusters);
const eventsPerService = Number(args['events-per-service']);
writeEstate(args.dir, n, { clusters });
const account = new InMemoryGateways({ regions: [REGION] });
const base = { controllerId: 'default', defaultRegion: REGION, prune: false, adopt: false, keepRevisions: 5, now: () => new Date() };
const source = { dir: args.dir, vars: [], varFiles: [], env: {}, varEnv: [], varEnvPrefixes: [], defaultRegion: REGION };
const applied = await runReconcilePass(source, { ...base, gateways: account, mode: 'apply' });
const failed = applied.results.filter((r) => r.outcome !== 'applied');
if (failed.length) throw new Error(`the estate's apply left ${failed.length} actions not applied: ${JSON.stringify(failed[0])}`);
const gw = account.restarted().forRegion(REGION);

// The fake gateway's describeServices answers as the controller's gateway does, its events
// already cut to the 10 it reads (splitDescribedServices); ECS sends all of them, so the
// wire answer here carries the whole list again (the SDK's deserializer and the controller's
// trim before it, src/aws/trim-service-events.ts, are part of what this bench measures).
const eventsOnTheWire = new Map();
if (eventsPerService > 0)
  for (const clusterArn of await gw.listClusterArns()) {
    const cluster = clusterArn.slice(clusterArn.lastIndexOf('/') + 1);
    for (const arn of await gw.listServiceArns(cluster)) {
      const name = arn.slice(arn.lastIndexOf('/') + 1);
      const events = serviceEvents(name, eventsPerService);
      gw.putServiceEvents(cluster, name, events);
      eventsOnTheWire.set(`${cluster}/${name}`, events);
    }
  }

// ---- the JSON protocol --------------------------------------------------------------

/**
 * One page of `items` from an offset token: { items, nextToken }. A MaxResults over the
 * operation's limit is refused, as AWS refuses it (ValidationException; e.g.
 * DescribeScalingPolicies MaxResults "between 1 and 10"), never quietly cut to the limit.
 */
function page(items, token, max, limit) {
  if (max !== undefined && (!Number.isInteger(Number(max)) || Number(max) < 1 || Number(max) > limit))
    throw new AwsCallError('page', 'ValidationException', `MaxResults ${max}: must be between 1 and ${limit}`, false);
  const size = Number(max) || limit;
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}
const nameOf = (arn) => arn.slice(arn.lastIndexOf('/') + 1);
const failuresOf = (kind, cluster, missing) =>
  missing.map((m) => ({ arn: `arn:aws:ecs:${REGION}:${FAKE_ACCOUNT}:${kind}/${cluster ? `${cluster}/` : ''}${m}`, reason: 'MISSING' }));
/** [ECS] ListTaskDefinitions sort: ASC "lexicographically by family name and in ascending numerical order by revision"; DESC the reverse */
function sortRevisions(arns, sort) {
  const key = (a) => {
    const s = a.slice(a.lastIndexOf('/') + 1);
    const i = s.lastIndexOf(':');
    return [s.slice(0, i), Number(s.slice(i + 1))];
  };
  const asc = [...arns].sort((a, b) => {
    const [fa, ra] = key(a);
    const [fb, rb] = key(b);
    return fa < fb ? -1 : fa > fb ? 1 : ra - rb;
  });
  return sort === 'DESC' ? asc.reverse() : asc;
}

const queue = [];
let queueWaiter;
let receipt = 0;

const ecs = {
  async ListClusters(i) {
    const p = page(await gw.listClusterArns(), i.nextToken, i.maxResults, 100);
    return { clusterArns: p.items, nextToken: p.nextToken };
  },
  async DescribeClusters(i) {
    const r = await gw.describeClusters(i.clusters ?? ['default']);
    return { clusters: r.clusters, failures: failuresOf('cluster', undefined, r.missing) };
  },
  async ListServices(i) {
    const p = page(await gw.listServiceArns(i.cluster ?? 'default'), i.nextToken, i.maxResults, 100);
    return { serviceArns: p.items, nextToken: p.nextToken };
  },
  async DescribeServices(i) {
    const cluster = nameOf(i.cluster ?? 'default');
    const r = await gw.describeServices(cluster, i.services);
    // [ECS] DescribeServices: tags only with include TAGS
    const services = (i.include?.includes('TAGS') ? r.services : r.services.map(({ tags: _t, ...s }) => s)).map((s) => {
      const events = eventsOnTheWire.get(`${cluster}/${s.serviceName}`);
      return events ? { ...s, events } : s;
    });
    return { services, failures: failuresOf('service', cluster, r.missing) };
  },
  async ListTaskDefinitions(i) {
    const all = await gw.listTaskDefinitionArns({ ...(i.familyPrefix ? { familyPrefix: i.familyPrefix } : {}), status: i.status ?? 'ACTIVE' });
    const p = page(sortRevisions(all, i.sort ?? 'ASC'), i.nextToken, i.maxResults, 100);
    return { taskDefinitionArns: p.items, nextToken: p.nextToken };
  },
  async DescribeTaskDefinition(i) {
    const r = await gw.describeTaskDefinition(i.taskDefinition);
    return { taskDefinition: r.taskDefinition, ...(i.include?.includes('TAGS') ? { tags: tagsToList(r.tags ?? {}) } : {}) };
  },
  async DescribeCapacityProviders(i) {
    const all = i.capacityProviders?.length ? await gw.describeCapacityProvidersNamed(i.capacityProviders) : await gw.describeCapacityProviders();
    const p = page(all, i.nextToken, i.maxResults, 10);
    return { capacityProviders: p.items, nextToken: p.nextToken };
  },
  async ListTasks(i) {
    const all = i.serviceName ? await gw.listTaskArns(i.cluster, i.serviceName, i.desiredStatus) : await gw.listClusterTaskArns(i.cluster);
    const p = page(all, i.nextToken, i.maxResults, 100);
    return { taskArns: p.items, nextToken: p.nextToken };
  },
  async DescribeTasks(i) {
    return { tasks: await gw.describeTasks(i.cluster, i.tasks), failures: [] };
  },
  async UpdateService(i) {
    return { service: await gw.updateService(i) };
  },
  async TagResource(i) {
    await gw.tagResource(i.resourceArn, tagsFromList(i.tags));
    return {};
  },
  async UntagResource(i) {
    await gw.untagResource(i.resourceArn, i.tagKeys);
    return {};
  },
};

const scaling = {
  async DescribeScalableTargets(i) {
    const p = page(await gw.listScalableTargets(i.ResourceIds?.length ? i.ResourceIds : undefined), i.NextToken, i.MaxResults, 50);
    return { ScalableTargets: p.items, NextToken: p.nextToken };
  },
  async DescribeScalingPolicies(i) {
    const p = page(await gw.listScalingPolicies(i.ResourceId), i.NextToken, i.MaxResults, 10);
    return { ScalingPolicies: p.items, NextToken: p.nextToken };
  },
  async DescribeScheduledActions(i) {
    const p = page(await gw.listScheduledActions(i.ResourceId), i.NextToken, i.MaxResults, 50);
    return { ScheduledActions: p.items, NextToken: p.nextToken };
  },
};

const tagging = {
  async GetResources(i) {
    const f = i.TagFilters?.[0];
    const arns = f ? await gw.findTaggedServiceArns(f.Key, f.Values?.[0]) : [];
    const p = page(arns, i.PaginationToken, i.ResourcesPerPage, 100);
    const list = p.items.map((arn) => {
      const [, cluster, name] = arn.slice(arn.indexOf(':service/') + 1).split('/');
      return { ResourceARN: arn, Tags: (gw.service(cluster, name)?.tags ?? []).map((t) => ({ Key: t.key, Value: t.value })) };
    });
    // [Tagging] GetResources: "PaginationToken ... an empty string" when there are no more
    return { ResourceTagMappingList: list, PaginationToken: p.nextToken ?? '' };
  },
};

const sqs = {
  /** long polling: answers when a message is there or after WaitTimeSeconds */
  async ReceiveMessage(i) {
    if (!queue.length)
      await new Promise((resolve) => {
        const t = setTimeout(resolve, Math.min(20, i.WaitTimeSeconds ?? 0) * 1000);
        queueWaiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    queueWaiter = undefined;
    const batch = queue.splice(0, Math.min(10, i.MaxNumberOfMessages ?? 1));
    return batch.length ? { Messages: batch } : {};
  },
  async DeleteMessageBatch(i) {
    return { Successful: (i.Entries ?? []).map((e) => ({ Id: e.Id })), Failed: [] };
  },
};

const byPrefix = new Map([
  ['AmazonEC2ContainerServiceV20141113', ecs],
  ['AnyScaleFrontendService', scaling],
  ['ResourceGroupsTaggingAPI_20170126', tagging],
  ['AmazonSQS', sqs],
]);

/**
 * JSON with Dates as epoch seconds, as the JSON protocol sends timestamps, and written as
 * ECS writes them: a Java double's text (Double.toString: `"createdAt":1.619952106055E9`,
 * a raw DescribeServices answer in boto/boto3#2845), not JavaScript's `1619952106.055`.
 * The SDK reads the two alike; a reader of the raw bytes (src/aws/trim-service-events.ts
 * decides from them whether the SDK's JSON reviver may be skipped) must meet ECS's form.
 */
function json(value) {
  const text = JSON.stringify(value, function (k, v) {
    const raw = this[k];
    return raw instanceof Date ? `${TIMESTAMP_MARK}${raw.getTime() / 1000}` : v;
  });
  return text.includes(TIMESTAMP_MARK) ? text.replace(TIMESTAMPS, (_, seconds) => javaDouble(Number(seconds))) : text;
}

const TIMESTAMP_MARK = '@fake-aws-server:timestamp@';
const TIMESTAMPS = new RegExp(`"${TIMESTAMP_MARK}([^"]+)"`, 'g');

/** Java's Double.toString: plain between 10^-3 and 10^7 (always a fraction digit), else "computerized scientific notation" (1.0E10) */
function javaDouble(d) {
  if (d === 0 || (Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7)) return Number.isInteger(d) ? `${d}.0` : String(d);
  const [mantissa, exponent] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

const counts = new Map();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      if (req.url === '/bench/out-of-band') {
        const o = JSON.parse(body);
        await gw.updateService({ cluster: o.cluster, service: o.service, desiredCount: o.desiredCount });
        // [SQS] ReceiveMessage Message.MD5OfBody: the SDK checks it
        queue.push({ MessageId: `m-${++receipt}`, ReceiptHandle: `r-${receipt}`, MD5OfBody: createHash('md5').update(o.event).digest('hex'), Body: o.event });
        queueWaiter?.();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      if (req.url === '/bench/calls') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(counts)));
        return;
      }
      const target = req.headers['x-amz-target'];
      if (!target) {
        // STS (the query protocol): the one action the controller makes
        if (/Action=GetCallerIdentity/.test(body)) {
          res
            .writeHead(200, { 'content-type': 'text/xml' })
            .end(
              `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${FAKE_ACCOUNT}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${FAKE_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
            );
          return;
        }
        throw new AwsCallError('Unknown', 'UnknownOperationException', `no X-Amz-Target: ${req.method} ${req.url} ${body.slice(0, 200)}`, false);
      }
      const [prefix, operation] = String(target).split('.');
      const handler = byPrefix.get(prefix)?.[operation];
      if (!handler) throw new AwsCallError(operation, 'UnknownOperationException', `the bench server does not answer ${target}`, false);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const out = await handler(body ? JSON.parse(body) : {});
      const type = prefix === 'AmazonSQS' ? '1.0' : '1.1';
      res.writeHead(200, { 'content-type': `application/x-amz-json-${type}` }).end(json(out));
    } catch (err) {
      const code = err instanceof AwsCallError ? err.code : 'InternalFailure';
      if (code === 'UnknownOperationException' || code === 'InternalFailure') process.stderr.write(`[fake-aws-server] ${err.stack ?? err}\n`);
      res
        .writeHead(code === 'InternalFailure' ? 500 : 400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code })
        .end(JSON.stringify({ __type: code, message: String(err.message ?? err) }));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const endpoint = `http://127.0.0.1:${port}`;
  process.stdout.write(`${JSON.stringify({ endpoint, queueUrl: `${endpoint}/${FAKE_ACCOUNT}/ecs-reconciler-bench-events`, services: n, eventsPerService })}\n`);
});
