// The real-world corpus (test/fixtures/corpus/) on the emulator, one fixture at a time on
// a reset emulator (one reset a fixture, for both flows):
// - applied from its manifest alone (with the Cluster a service needs and the task
//   definition it runs): the next plan shows nothing, and a second apply makes no
//   mutating call and registers no revision;
// - made by hand through the SDK in another region (as a user who pasted it into the
//   console or ran the CLI), exported, adopted with `apply --adopt`: tags only, then
//   every resource in-sync.
// Files that ECS itself refuses (corpus-fixtures.ts REFUSED_AS_ECS_REFUSES) are refused at
// load (test/corpus.test.ts) and not applied.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TASK_DEFINITION_READ_ONLY_FIELDS } from '../../src/kinds/task-definition/parse.js';
import {
  CORPUS_DIR,
  CORPUS_VARS,
  type CorpusFile,
  corpusServices,
  corpusTaskDefinitions,
  parseCorpusFile,
  REFUSED_AS_ECS_REFUSES,
  SERVICE_TASK_DEFINITION,
} from '../corpus-fixtures.js';
import { emulatorEnv, emulatorVar, resetEmulator, sdkClientConfig } from './emulator-helpers.js';
import { type PassRun, reconcile, states } from './reconcile-helpers.js';

type Json = Record<string, unknown>;

/** The second flow runs here, so that the first flow's resources never meet it. */
const BY_HAND_REGION = 'eu-west-1';

const taskDefinitions = corpusTaskDefinitions();
const services = corpusServices();
const byStem = new Map([...taskDefinitions, ...services].map((f) => [f.stem, f]));

function vars(): Map<string, string> {
  return new Map([...Object.entries(emulatorEnv().vars), ...CORPUS_VARS]);
}

/** A network id of the emulator in region (the env file prefixes the other region's: EU_WEST_1_SUBNET_A). */
function networkId(name: string, region: string): string {
  return emulatorVar(region === emulatorEnv().region ? name : `${region.toUpperCase().replace(/-/g, '_')}_${name}`);
}

/**
 * The file's text with the published account's network ids (subnets, security groups,
 * target groups) replaced by the emulator's, in the order they first appear: ECS, and the
 * emulator as ECS does, refuses a CreateService naming a subnet that does not exist.
 */
function onEmulatorNetwork(file: CorpusFile, region: string): string {
  const subnets = [networkId('SUBNET_A', region), networkId('SUBNET_B', region)];
  const seen = new Map<string, string>();
  return (
    file.text
      .replace(/"subnet-[A-Za-z0-9]+"/g, (id) => {
        // each occurrence of a placeholder id stands for a subnet of its own
        const key = /EXAMPLE/.test(id) ? `${id}#${seen.size}` : id;
        if (!seen.has(key)) seen.set(key, subnets[seen.size % subnets.length]!);
        return JSON.stringify(seen.get(key));
      })
      .replace(/"sg-[A-Za-z0-9]+"/g, () => JSON.stringify(networkId('SECURITY_GROUP', region)))
      .replace(/"arn:aws:elasticloadbalancing:[^"]*:targetgroup\/[^"]+"/g, () => JSON.stringify(networkId('TARGET_GROUP_ARN', region)))
      // The Service Connect tutorial writes one placeholder, "subnet-EXAMPLE", for each of
      // three subnets; mapped, it would name one subnet three times. Its subnets are the
      // emulator's two, once each. Likewise two published security groups both map to the
      // emulator's one, named once.
      .replace(/("(?:subnets|securityGroups)"\s*:\s*\[)([^\]]*)(\])/g, (_m, open: string, items: string, close: string) => {
        const unique = [
          ...new Set(
            items
              .split(',')
              .map((i) => i.trim())
              .filter(Boolean),
          ),
        ];
        return `${open}${unique.join(', ')}${close}`;
      })
  );
}

/** The published JSON, `${VAR}`s filled in as the loader fills them, as a user would paste it. */
function publishedJson(file: CorpusFile, region: string): Json {
  let text = onEmulatorNetwork(file, region).replace(/^\s*\/\/.*$/gm, '');
  if (file.kind === 'Service') text = text.slice(text.indexOf('\nspec:') + '\nspec:'.length);
  text = text.replace(/\$\{(\w+)(?::=([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => CORPUS_VARS.get(name) ?? dflt ?? '');
  return JSON.parse(text) as Json;
}

function tagList(tags: unknown): Array<{ key: string; value: string }> | undefined {
  if (Array.isArray(tags)) return tags as Array<{ key: string; value: string }>;
  if (tags && typeof tags === 'object') return Object.entries(tags as Record<string, string>).map(([key, value]) => ({ key, value }));
  return undefined;
}

function pinnedRevision(service: CorpusFile): { family: string; revision: number } | undefined {
  const ref = String(parseCorpusFile(service, emulatorEnv().region).resources[0]?.spec.taskDefinition ?? '');
  const m = /^([^:]+):(\d+)$/.exec(ref);
  return m ? { family: m[1]!, revision: Number(m[2]) } : undefined;
}

async function revisionArns(ecs: ECSClient): Promise<string[]> {
  const r = await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }));
  return (r.taskDefinitionArns ?? []).sort();
}

/**
 * What a user registers from the published file: describe-task-definition output is
 * unwrapped and its read-only fields dropped first, as the official deploy action does
 * (RegisterTaskDefinition takes neither the wrapper nor those fields).
 */
function registrationOf(json: Json): Json {
  const inner = json.taskDefinition;
  const unwrapped: Json =
    inner && typeof inner === 'object' && !Array.isArray(inner) ? { ...(inner as Json), ...(json.tags ? { tags: json.tags } : {}) } : { ...json };
  for (const field of TASK_DEFINITION_READ_ONLY_FIELDS) delete unwrapped[field];
  return unwrapped;
}

/** Registers the corpus task definition by hand, `times` times (ECS numbers them 1, 2, ...). */
async function registerByHand(ecs: ECSClient, td: CorpusFile, region: string, times = 1): Promise<void> {
  const json = registrationOf(publishedJson(td, region));
  const input = { ...json, ...(json.tags ? { tags: tagList(json.tags) } : {}) } as unknown as RegisterTaskDefinitionCommandInput;
  for (let i = 0; i < times; i++) await ecs.send(new RegisterTaskDefinitionCommand(input));
}

function failedActions(pass: PassRun): string[] {
  return pass.results.filter((r) => r.outcome !== 'applied').map((r) => `${r.action.kind} ${r.action.resource}: ${r.outcome} ${r.message ?? ''}`);
}

function problems(pass: PassRun): string[] {
  return pass.problems.map((p) => `${p.stage} ${p.file ?? ''}:${p.line ?? ''} ${p.path ?? ''} ${p.message}`);
}

/** A scratch folder holding the corpus file, and for a service its cluster and task definition. */
async function manifestsFor(file: CorpusFile, ecs: ECSClient): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-corpus-'));
  writeFileSync(join(dir, file.path.split('/').pop()!), onEmulatorNetwork(file, emulatorEnv().region));
  if (file.kind === 'Service') {
    const svc = parseCorpusFile(file, emulatorEnv().region).resources[0]!;
    writeFileSync(join(dir, 'cluster.yaml'), `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: ${svc.cluster}\nspec: {}\n`);
    const td = SERVICE_TASK_DEFINITION.get(file.stem);
    const pin = pinnedRevision(file);
    if (td && pin) await registerByHand(ecs, byStem.get(td)!, emulatorEnv().region, pin.revision);
    else if (td) cpSync(join(CORPUS_DIR, byStem.get(td)!.path), join(dir, `${td}.json`));
  }
  return dir;
}

/** What a console user does for a task definition alone: registers it and runs it as a service. */
function serviceFor(td: CorpusFile, cluster: string, region: string): CreateServiceCommandInput {
  const json = publishedJson(td, region);
  const family = String(json.family ?? (json.taskDefinition as Json | undefined)?.family);
  const fargate = Array.isArray(json.requiresCompatibilities) && (json.requiresCompatibilities as string[]).includes('FARGATE');
  return {
    cluster,
    serviceName: `${family}-svc`,
    taskDefinition: family,
    desiredCount: 1,
    launchType: fargate ? 'FARGATE' : 'EC2',
    ...(json.networkMode === 'awsvpc'
      ? { networkConfiguration: { awsvpcConfiguration: { subnets: [networkId('SUBNET_A', region)], securityGroups: [networkId('SECURITY_GROUP', region)] } } }
      : {}),
  };
}

/**
 * The values for the placeholders `export` wrote instead of sensitive values (its
 * variables.env.example names each, and where it is used): what the user who made the
 * task definition fills in, from what they registered.
 */
function exportedVariables(out: string, registered: readonly Json[]): Map<string, string> {
  const values = new Map<string, string>();
  let example: string;
  try {
    example = readFileSync(join(out, 'variables.env.example'), 'utf8');
  } catch {
    return values;
  }
  let use: RegExpExecArray | null = null;
  for (const line of example.split('\n')) {
    const comment = /^# TaskDefinition (\S+), container (\S+), (environment|log option) (\S+)$/.exec(line);
    if (comment) use ??= comment;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=$/.exec(line);
    if (assignment && use) {
      const [, family, container, where, key] = use;
      const td = registered.find((t) => t.family === family);
      const c = (td?.containerDefinitions as Json[] | undefined)?.find((x) => x.name === container);
      const value =
        where === 'environment'
          ? (c?.environment as Array<{ name: string; value: string }> | undefined)?.find((e) => e.name === key)?.value
          : ((c?.logConfiguration as Json | undefined)?.options as Record<string, string> | undefined)?.[key!];
      if (value !== undefined) values.set(assignment[1]!, value);
      use = null;
    }
  }
  return values;
}

async function runCli(argv: string[], region: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, AWS_REGION: region, ECS_RECONCILER_RATE_LIMITS: 'off' },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe.each([...taskDefinitions, ...services].filter((f) => !REFUSED_AS_ECS_REFUSES.has(f.path)).map((f) => [f.path, f] as const))('%s', (_path, file) => {
  beforeAll(async () => {
    await resetEmulator();
  });

  it('applied alone: the next plan shows nothing, and a second apply makes no mutating call and registers no revision', async () => {
    const ecs = new ECSClient(sdkClientConfig());
    const dir = await manifestsFor(file, ecs);
    const first = await reconcile(dir, { mode: 'apply', vars: vars() });
    expect(problems(first), problems(first).join('\n')).toEqual([]);
    expect(failedActions(first), failedActions(first).join('\n')).toEqual([]);
    expect(first.results.length).toBeGreaterThan(0);

    const plan = await reconcile(dir, { mode: 'plan', vars: vars() });
    expect(problems(plan), problems(plan).join('\n')).toEqual([]);
    for (const d of plan.diffs) expect(d.changes, `${d.id}: ${JSON.stringify(d.changes)}`).toEqual([]);
    expect(
      Object.values(states(plan)).every((s) => s === 'in-sync'),
      JSON.stringify(states(plan)),
    ).toBe(true);
    expect(plan.plan.actions).toEqual([]);

    const before = await revisionArns(ecs);
    const second = await reconcile(dir, { mode: 'apply', vars: vars() });
    expect(problems(second), problems(second).join('\n')).toEqual([]);
    expect(second.mutatingCalls, JSON.stringify(second.calls)).toBe(0);
    expect(await revisionArns(ecs)).toEqual(before);
  });

  it('made by hand through the SDK, exported, adopted with tags only: every resource in-sync', async () => {
    const region = BY_HAND_REGION;
    const ecs = new ECSClient(sdkClientConfig(region));
    let cluster: string;
    const registered: Json[] = [];
    if (file.kind === 'TaskDefinition') {
      cluster = 'corpus-by-hand';
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      await registerByHand(ecs, file, region);
      registered.push(registrationOf(publishedJson(file, region)));
      await ecs.send(new CreateServiceCommand(serviceFor(file, cluster, region)));
    } else {
      const svc = parseCorpusFile(file, region).resources[0]!;
      cluster = svc.cluster!;
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      const td = SERVICE_TASK_DEFINITION.get(file.stem);
      if (td) {
        await registerByHand(ecs, byStem.get(td)!, region, pinnedRevision(file)?.revision ?? 1);
        registered.push(registrationOf(publishedJson(byStem.get(td)!, region)));
      }
      const body = publishedJson(file, region);
      await ecs.send(
        new CreateServiceCommand({
          ...(body as unknown as CreateServiceCommandInput),
          cluster,
          serviceName: svc.name,
          ...(body.tags ? { tags: tagList(body.tags) } : {}),
        }),
      );
    }

    const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-corpus-export-')), 'estate');
    const exported = await runCli(['export', '--cluster', cluster, '--out', out, '--region', region, '--endpoint', emulatorEnv().endpoint], region);
    expect(exported.stderr + exported.stdout, 'export checks itself: it must plan in-sync once adopted').not.toMatch(/would not plan in-sync/);
    expect(exported.code, exported.stderr).toBe(0);

    const adoptVars = new Map([...vars(), ...exportedVariables(out, registered)]);
    const adopted = await reconcile(out, { mode: 'apply', adopt: true, region, vars: adoptVars });
    expect(problems(adopted), problems(adopted).join('\n')).toEqual([]);
    expect(failedActions(adopted), failedActions(adopted).join('\n')).toEqual([]);
    // adoption writes ownership tags, and nothing else: no revision, no deployment, no re-creation
    const changing = Object.entries(adopted.calls).filter(([op]) => /^(Register|Create|Update|Delete|Deregister|Put)/.test(op));
    expect(changing, JSON.stringify(adopted.calls)).toEqual([]);

    const plan = await reconcile(out, { mode: 'plan', region, vars: adoptVars });
    expect(problems(plan), problems(plan).join('\n')).toEqual([]);
    for (const d of plan.diffs) expect(d.changes, `${d.id}: ${JSON.stringify(d.changes)}`).toEqual([]);
    expect(
      Object.values(states(plan)).every((s) => s === 'in-sync'),
      JSON.stringify(states(plan)),
    ).toBe(true);
  });
});
