// The real-world corpus (test/fixtures/corpus/, README.md there): task definitions and
// service definitions copied from public sources, and the outputs AWS published for
// some of them. Shared by the unit test (test/corpus.test.ts) and the integration test
// on the emulator (test/integration/corpus.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ParsedFile, parseManifestText } from '../src/manifests/parse.js';

export const CORPUS_DIR = resolve(import.meta.dirname, 'fixtures', 'corpus');

export interface CorpusFile {
  /** path below test/fixtures/corpus, e.g. task-definitions/nginx-fargate.json */
  path: string;
  /** the file name less its extension: nginx-fargate */
  stem: string;
  kind: 'TaskDefinition' | 'Service';
  text: string;
}

function listFolder(folder: string, kind: CorpusFile['kind'], ext: string): CorpusFile[] {
  return readdirSync(join(CORPUS_DIR, folder))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => ({ path: `${folder}/${f}`, stem: f.slice(0, -ext.length), kind, text: readFileSync(join(CORPUS_DIR, folder, f), 'utf8') }));
}

export function corpusTaskDefinitions(): CorpusFile[] {
  return listFolder('task-definitions', 'TaskDefinition', '.json');
}

export function corpusServices(): CorpusFile[] {
  return listFolder('services', 'Service', '.yaml');
}

interface PublishedOutput {
  path: string;
  /** the corpus input it was published for (its stem) */
  inputStem: string;
  output: Record<string, unknown>;
}

/** `published-outputs/<input stem>--<what>.json`: the response AWS printed for that input. */
export function publishedOutputs(): PublishedOutput[] {
  return readdirSync(join(CORPUS_DIR, 'published-outputs'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(CORPUS_DIR, 'published-outputs', f), 'utf8');
      const body = text.replace(/^\s*\/\/.*$/gm, '');
      return { path: `published-outputs/${f}`, inputStem: f.slice(0, f.indexOf('--')), output: JSON.parse(body) as Record<string, unknown> };
    });
}

/**
 * Values for the `${VAR}`s the corpus holds: ecspresso's `{{ must_env `X` }}` calls are
 * written as this loader's variables (the files' second line says so), and a user would
 * pass them with --var as ecspresso users export them.
 */
export const CORPUS_VARS: ReadonlyMap<string, string> = new Map([
  ['AWS_ACCOUNT_ID', '123456789012'],
  ['REVISION', 'v1'],
  ['ECR_REGISTRY', '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com'],
  ['ECR_REPOSITORY', 'ecspresso-demo'],
  ['ECR_IMAGE_TAG', 'v1'],
]);

export function parseCorpusFile(file: CorpusFile, defaultRegion: string): ParsedFile {
  return parseManifestText(file.path, file.text, { vars: CORPUS_VARS, defaultRegion });
}

/**
 * The task definition each service runs, as the published sources pair them (the ecspresso
 * config beside a service definition names its task definition file; the AWS tutorials
 * register the task definition first). A `family:revision` pin names a revision made
 * elsewhere: the integration test registers that many revisions by hand first.
 */
export const SERVICE_TASK_DEFINITION: ReadonlyMap<string, string | undefined> = new Map([
  ['awscli-create-service-ec2-default-launch-type', 'awscli-sleep360'],
  ['awscli-create-service-external-controller', undefined],
  ['awscli-create-service-fargate', 'devguide-cli-sample-fargate'],
  ['devguide-cli-fargate-service', 'devguide-cli-sample-fargate'],
  ['devguide-service-connect-nginx-service', 'devguide-service-connect-nginx'],
  ['ecs-parallel-service', 'ecs-parallel-test'],
  ['ecspresso-daemon-service', 'ecspresso-daemon-host-secrets'],
  ['ecspresso-demo-codedeploy-service', 'ecspresso-demo-codedeploy'],
  ['ecspresso-sv-loadbalancer-alarms', 'ecspresso-td-plain-appmesh'],
  ['nextjs-on-ecs-service', 'nextjs-on-ecs-server'],
]);

/**
 * The cluster each published service output ran in, as its source made it (the
 * CreateCluster input shape a live cluster is read as): a service inherits its launch type
 * or strategy and its Service Connect namespace from it (src/diff/inherited.ts), so the
 * pair is only in sync against that cluster.
 * - the AWS CLI examples' MyCluster: no default capacity provider strategy, as the
 *   create-service output's `launchType: EC2` for a request naming neither shows;
 * - the developer guide's `tutorial` (create-service-connect.md, step 1:
 *   `aws ecs create-cluster --cluster-name tutorial --service-connect-defaults
 *   namespace=service-connect`, whose output carries the namespace's ARN).
 */
export const PUBLISHED_CLUSTER: ReadonlyMap<string, Record<string, unknown>> = new Map([
  ['awscli-create-service-ec2-default-launch-type', {}],
  ['awscli-create-service-external-controller', {}],
  ['devguide-service-connect-nginx-service', { serviceConnectDefaults: { namespace: 'arn:aws:servicediscovery:us-west-2:123456789012:namespace/ns-EXAMPLE' } }],
]);

/**
 * Corpus files that real ECS refuses too, as published: the loader must refuse them with
 * the same reason (so that a user learns it at validate, not at apply). `problem` matches
 * the loader's message; `ecs` is the API reference's rule.
 */
export const REFUSED_AS_ECS_REFUSES: ReadonlyMap<string, { problem: RegExp; ecs: string }> = new Map([
  [
    'task-definitions/kibana-ec2.json',
    {
      problem: /in awsvpc network mode hostPort must be omitted or equal containerPort 5601; got 80/,
      ecs: 'PortMapping.hostPort: "If you use containers in a task with the awsvpc or host network mode, the hostPort can either be left blank or set to the same value as the containerPort."',
    },
  ],
  [
    'task-definitions/tomcat-ec2.json',
    {
      problem: /in awsvpc network mode hostPort must be omitted or equal containerPort 8080; got 80/,
      ecs: 'PortMapping.hostPort: "If you use containers in a task with the awsvpc or host network mode, the hostPort can either be left blank or set to the same value as the containerPort."',
    },
  ],
  [
    'task-definitions/devguide-appmesh-container-dependency.json',
    {
      problem: /memory or memoryReservation is required when the task definition has no task-level memory/,
      ecs: 'ContainerDefinition.memory: "If you\'re using the EC2 launch type, you must specify either a task-level memory value or a container-level memory value." (no requiresCompatibilities: EC2)',
    },
  ],
  [
    'services/ecs-parallel-service.yaml',
    {
      problem: /deploymentConfiguration\.alarms\.alarmNames: required field is missing/,
      ecs: 'DeploymentAlarms.alarmNames: "One or more CloudWatch alarm names." is Required: Yes (ecspresso drops the empty list when it writes the service definition; CreateService refuses alarms without it)',
    },
  ],
  [
    'task-definitions/devguide-fsx-windows.json',
    {
      problem: /no volume "fsx-windows-dir" in this task definition's volumes/,
      ecs: 'MountPoint.sourceVolume: "The name of the volume to mount. Must be a volume name referenced in the name parameter of task definition volume." (the page names the volume fsx-windows-vol)',
    },
  ],
]);
