// The large estate (issue 19): 10,000 services over several clusters, one daemon run as
// it is meant to run at that size, `run --events-queue URL` (the resync 30 minutes away,
// spread by --read-budget), on the emulator. Measures, on that one estate:
//   - the warm full pass (a second full read, nothing changed): calls by operation
//     against the lower bound, the controller's CPU (/proc/PID/stat of the daemon
//     process alone; the emulator is another process) and its peak RSS (VmHWM);
//   - an out-of-band change healed from its event: UpdateService made with the SDK, the
//     CloudTrail "AWS API Call via CloudTrail" event for it sent to the SQS queue in the
//     EventBridge envelope right after (test/fixtures/events/cloudtrail-update-service.json,
//     the shape the AWS documentation shows), and the time from the send to the
//     daemon's healing update-service line (written once UpdateService has returned);
//   - the AWS read calls an hour with events and the 30-minute spread resync against
//     60-second polling, from the measured calls of one full pass and one event pass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsReads, cloudTrailUpdateService, Daemon, isPassLine, procCpuSeconds, procMemoryMb, round, runCli, subtractCalls, sum } from './daemon.mjs';
import { estateCounts, lowerBound, serviceName, serviceShape, writeEstate } from './estate.mjs';

const sortCalls = (calls) => Object.fromEntries(Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)));
const lineTime = (l) => (typeof l.time === 'number' ? l.time : Date.parse(l.time));

/** 60-second polling: a full pass a minute. */
const POLL_PASSES_PER_HOUR = 60;
/** events on: the resync every 30 minutes (spread across the interval by --read-budget) */
const RESYNC_PASSES_PER_HOUR = 2;
/**
 * Out-of-band changes an hour the event-driven figure assumes (each one event-driven
 * pass; the controller's own writes cause none). An assumption, stated beside the
 * figure with the number of events an hour at which the 20× target stops holding.
 */
const ASSUMED_EVENTS_PER_HOUR = 60;

const READS_PER_HOUR_FORMULA = `polling = ${POLL_PASSES_PER_HOUR} × F; events = ${RESYNC_PASSES_PER_HOUR} × F + E × e; F = reads of one full pass, e = reads of one event-driven pass (both measured), E = events an hour (assumed ${ASSUMED_EVENTS_PER_HOUR})`;

/**
 * Resets the emulator and creates the estate through the controller's own apply, once:
 * every service then carries the tags an apply leaves (ownership, applied hash, the
 * revision record), which a warm pass at the lower bound depends on; SDK calls made
 * here would have to recompute the controller's hashes, a second implementation of
 * them. Returns what it cost (the record `--large-apply-only FILE` writes).
 */
export async function applyLargeEstate(n, emu, { root, region, clusters, env, log }) {
  const reset = await fetch(`${emu.endpoint}/ecs-reconciler/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`emulator reset failed: HTTP ${reset.status}`);
  const counts = estateCounts(n, clusters);
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-apply-${n}-`));
  try {
    writeEstate(dir, n, { clusters });
    log(`large estate: applying ${n} services over ${clusters} clusters (${counts.scalableTargets} with auto scaling) with the controller's apply`);
    const out = join(dir, 'apply-report.json');
    const apply = await runCli(
      root,
      ['apply', dir, '--var-file', emu.envFile, '--endpoint', emu.endpoint, '--region', region, '--format', 'json', '--out', out],
      env,
    );
    if (apply.exitCode !== 0) throw new Error(`apply exited ${apply.exitCode}:\n${apply.stderr.slice(-2000)}`);
    log(`large estate: applied in ${round(apply.wallMs / 1000, 1)} s (${sum(apply.calls)} calls, ${round(apply.cpuSeconds, 1)} s controller CPU)`);
    return {
      services: n,
      clusters,
      appliedAt: new Date().toISOString(),
      endpoint: emu.endpoint,
      applySeconds: round(apply.wallMs / 1000, 1),
      applyCalls: sum(apply.calls),
      applyCallsByOperation: sortCalls(apply.calls),
      applyCpuSeconds: round(apply.cpuSeconds, 1),
      applyPeakRssMb: round(apply.peakRssMb),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @param {number} n services
 * @param {{endpoint: string, envFile: string}} emu
 * @param {{root: string, region: string, clusters: number, readBudget: number, env: object, daemonEnv: object, log: (m: string) => void, applied?: object}} o
 *   applied: the record of an apply already made on this endpoint (`--large-applied FILE`)
 */
export async function benchLargeEstate(n, emu, o) {
  const { root, region, clusters, readBudget, log } = o;
  const counts = estateCounts(n, clusters);
  const bound = lowerBound(counts);
  const dir = mkdtempSync(join(tmpdir(), `ecs-reconciler-bench-large-${n}-`));
  writeEstate(dir, n, { clusters });
  const common = ['--var-file', emu.envFile, '--endpoint', emu.endpoint, '--region', region];
  const sdk = { region, endpoint: emu.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ecs = new ECSClient(sdk);
  const sqs = new SQSClient(sdk);
  const apply = o.applied ?? (await applyLargeEstate(n, emu, o));
  if (apply.services !== n || apply.clusters !== clusters)
    throw new Error(`the applied estate has ${apply.services} services over ${apply.clusters} clusters, not ${n} over ${clusters}`);

  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `ecs-reconciler-bench-${Date.now()}` }))).QueueUrl;
  // --interval left at its default with --events-queue (30m): no timer pass during the run
  const daemon = new Daemon(
    [
      join(root, 'bin', 'ecs-reconciler.js'),
      'run',
      dir,
      ...common,
      '--listen',
      '127.0.0.1:0',
      '--events-queue',
      queueUrl,
      '--read-budget',
      String(readBudget),
      '--log-format',
      'json',
    ],
    o.daemonEnv,
  );
  const passTimeout = { timeoutMs: 1_800_000 };
  try {
    const p1 = await daemon.nextPass(undefined, passTimeout);
    if (typeof p1.awsCalls !== 'number') throw new Error(`the daemon's first pass failed: ${JSON.stringify(p1)}`);
    const m1 = await daemon.metrics();
    const cpu1 = procCpuSeconds(daemon.pid);
    const mem1 = procMemoryMb(daemon.pid);
    log(
      `large estate: daemon start pass ${p1.durationMs} ms, ${p1.awsCalls} calls, ${round(cpu1, 1)} s CPU (module load included), peak RSS ${round(mem1.peakRssMb)} MB`,
    );

    // The warm full pass: what the 30-minute resync costs (POST /reconcile is a full read
    // like the timer's, paced the same way by the read budget).
    const from2 = daemon.lines.length;
    const res = await fetch(`http://${daemon.address}/reconcile`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`POST /reconcile answered ${res.status}: ${await res.text()}`);
    const p2 = await daemon.waitFor((l) => isPassLine(l) && l.passId > p1.passId, { from: from2, what: 'the warm full pass', ...passTimeout });
    const cpu2 = procCpuSeconds(daemon.pid);
    const m2 = await daemon.metrics();
    const mem2 = procMemoryMb(daemon.pid);
    if (typeof p2.awsCalls !== 'number' || p2.read !== 'full') throw new Error(`the warm pass was not a full read: ${JSON.stringify(p2)}`);
    const warmCalls = sortCalls(subtractCalls(m2, m1));
    const warmEcsCalls = Object.fromEntries(Object.entries(warmCalls).filter(([op]) => !op.startsWith('sqs:')));
    const warmReads = awsReads(warmCalls);
    log(
      `large estate: warm full pass ${p2.durationMs} ms, ${sum(warmEcsCalls)} ECS/AAS/tagging calls (lower bound ${bound.total}), ${round(cpu2 - cpu1, 2)} s CPU`,
    );

    // The out-of-band change and its event.
    const index = [...Array(n).keys()].find((i) => !serviceShape(i, clusters).autoScaling && i > 0);
    const svc = serviceName(index);
    const cluster = serviceShape(index, clusters).cluster;
    const resource = `Service/${region}/${cluster}/${svc}`;
    const before = (await ecs.send(new DescribeServicesCommand({ cluster, services: [svc] }))).services?.[0]?.desiredCount;
    const from3 = daemon.lines.length;
    const cpuBefore = procCpuSeconds(daemon.pid);
    const changedAt = Date.now();
    await ecs.send(new UpdateServiceCommand({ cluster, service: svc, desiredCount: before + 4 }));
    const sentAt = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: cloudTrailUpdateService(region, cluster, svc, before + 4) }));
    const updated = await daemon.waitFor((l) => l.action === 'update-service' && l.resource === resource, {
      from: from3,
      what: `the healing update-service of ${resource}`,
      timeoutMs: 120_000,
    });
    const p3 = await daemon.waitFor((l) => isPassLine(l) && l.passId === updated.passId, { from: from3, what: 'the event pass' });
    const cpuAfter = procCpuSeconds(daemon.pid);
    const m3 = await daemon.metrics();
    const after = (await ecs.send(new DescribeServicesCommand({ cluster, services: [svc] }))).services?.[0]?.desiredCount;
    if (updated.outcome !== 'applied' || after !== before)
      throw new Error(`the event pass did not heal ${resource}: ${updated.outcome}, desiredCount ${after} (manifest ${before})`);
    const eventCalls = sortCalls(subtractCalls(m3, m2));
    const eventReads = awsReads(eventCalls);
    const mem3 = procMemoryMb(daemon.pid);
    log(`large estate: event → update-service ${lineTime(updated) - sentAt} ms (${p3.read} pass, ${p3.awsCalls} calls)`);

    const pollingPerHour = POLL_PASSES_PER_HOUR * warmReads;
    const eventsPerHour = RESYNC_PASSES_PER_HOUR * warmReads + ASSUMED_EVENTS_PER_HOUR * eventReads;
    return {
      services: n,
      clusters,
      perCluster: counts.perCluster,
      autoScaledServices: counts.scalableTargets,
      scheduledActions: counts.scheduledActions,
      created: "the controller's apply, once (one process)",
      applySeconds: apply.applySeconds,
      applyCalls: apply.applyCalls,
      applyCpuSeconds: apply.applyCpuSeconds,
      applyPeakRssMb: apply.applyPeakRssMb,
      ...(o.applied ? { appliedBy: `an earlier \`--large-apply-only\` run (${apply.appliedAt})` } : {}),
      daemonArgs: `run --events-queue URL --read-budget ${readBudget} (--interval: the default with events, 30m)`,
      daemonNodeOptions: o.daemonEnv.NODE_OPTIONS ?? '',
      readBudget,
      startPass: { durationMs: p1.durationMs, awsCalls: p1.awsCalls, cpuSeconds: round(cpu1, 2), peakRssMb: round(mem1.peakRssMb), states: p1.states },
      warmCalls: sum(warmEcsCalls),
      warmCallsFromLog: p2.awsCalls,
      warmCallsByOperation: warmEcsCalls,
      warmSqsCalls: sum(warmCalls) - sum(warmEcsCalls),
      warmReads,
      warmDescribeTaskDefinitionCalls: warmCalls.DescribeTaskDefinition ?? 0,
      warmStates: p2.states,
      warmActionsApplied: p2.actionsApplied,
      lowerBoundCalls: bound.total,
      lowerBoundTerms: bound.terms,
      warmToLowerBound: round(sum(warmEcsCalls) / bound.total, 2),
      warmWallMs: p2.durationMs,
      // at the default --read-budget 5 the same pass's Describe/List reads take at least this long
      warmPacedSecondsAtDefaultBudget: round(sum(Object.fromEntries(Object.entries(warmEcsCalls).filter(([op]) => /^(Describe|List)/.test(op)))) / 5),
      warmCpuSeconds: round(cpu2 - cpu1, 2),
      peakRssAfterWarmPassMb: round(mem2.peakRssMb),
      daemonPeakRssMb: round(mem3.peakRssMb),
      daemonRssMb: round(mem3.rssMb),
      event: {
        service: resource,
        detailType: 'AWS API Call via CloudTrail (UpdateService)',
        changeToSendMs: sentAt - changedAt,
        sendToUpdateMs: lineTime(updated) - sentAt,
        read: p3.read,
        reasons: p3.reasons,
        passDurationMs: p3.durationMs,
        calls: eventCalls,
        reads: eventReads,
        cpuSeconds: round(cpuAfter - cpuBefore, 2),
      },
      eventToUpdateMs: lineTime(updated) - sentAt,
      readsPerHour: {
        formula: READS_PER_HOUR_FORMULA,
        fullPassReads: warmReads,
        eventPassReads: eventReads,
        assumedEventsPerHour: ASSUMED_EVENTS_PER_HOUR,
        polling60s: pollingPerHour,
        eventsAndResync30m: eventsPerHour,
        ratio: round(pollingPerHour / eventsPerHour, 1),
        // E at which polling / events falls to 20: 60F = 20(2F + E·e)  →  E = F / e
        eventsPerHourAt20x: eventReads ? Math.floor(((POLL_PASSES_PER_HOUR / 20 - RESYNC_PASSES_PER_HOUR) * warmReads) / eventReads) : null,
        sqsReceivesPerHour: 'about 180 ReceiveMessage (20 s long polls), SQS calls: not ECS reads',
      },
    };
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
