// Generates a synthetic estate as manifest files: C clusters, N task definitions and
// N services spread round-robin over the clusters, 10 % of the services with an
// autoScaling block (one target-tracking policy; every fifth of those with a
// scheduled action too). One file per service (its TaskDefinition and Service, as
// manifests/web/web.yaml is laid out) plus one file of Cluster documents.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLUSTERS = 10;

function clusterName(c) {
  return `bench-${String(c).padStart(2, '0')}`;
}

export function serviceName(i) {
  return `svc-${String(i).padStart(5, '0')}`;
}

/** Which cluster service i lives in, and whether it scales. */
export function serviceShape(i, clusters = CLUSTERS) {
  const autoScaling = i % 10 === 0;
  return { cluster: clusterName(i % clusters), autoScaling, scheduled: autoScaling && i % 50 === 0 };
}

function clustersText(clusters = CLUSTERS) {
  const docs = [];
  for (let c = 0; c < clusters; c++) {
    docs.push(`apiVersion: ecs-reconciler/v1
kind: Cluster
metadata:
  name: ${clusterName(c)}
spec:
  settings: [{ name: containerInsights, value: enabled }]
  tags: { team: bench, shard: "${c}" }
`);
  }
  return docs.join('---\n');
}

export function serviceText(i, { clusters = CLUSTERS, imageTag = '1.27' } = {}) {
  const name = serviceName(i);
  const shape = serviceShape(i, clusters);
  const scaling = shape.autoScaling
    ? `  autoScaling:
    minCapacity: 1
    maxCapacity: 4
    targetTracking:
      - { policyName: cpu60, predefinedMetricType: ECSServiceAverageCPUUtilization, targetValue: 60, scaleInCooldown: 120, scaleOutCooldown: 60 }
${
  shape.scheduled
    ? `    scheduled:
      - { name: night, schedule: "cron(0 22 * * ? *)", minCapacity: 1, maxCapacity: 2 }
`
    : ''
}`
    : '';
  return `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata:
  name: ${name}
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
  containerDefinitions:
    - name: app
      image: public.ecr.aws/nginx/nginx:${imageTag}
      essential: true
      portMappings:
        - { containerPort: 8080, protocol: tcp }
      environment:
        - { name: SERVICE, value: ${name} }
        - { name: LOG_LEVEL, value: info }
      logConfiguration:
        logDriver: awslogs
        options:
          awslogs-group: /ecs/${name}
          awslogs-region: us-east-1
          awslogs-stream-prefix: app
  tags: { team: bench }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata:
  name: ${name}
  cluster: ${shape.cluster}
spec:
  taskDefinition: ${name}
  desiredCount: ${shape.autoScaling ? 2 : 1}
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration:
      subnets: ["\${SUBNET_A:=subnet-0example00000000a}", "\${SUBNET_B:=subnet-0example00000000b}"]
      securityGroups: ["\${SECURITY_GROUP:=sg-0example000000000}"]
      assignPublicIp: DISABLED
  deploymentConfiguration:
    minimumHealthyPercent: 100
    maximumPercent: 200
    deploymentCircuitBreaker: { enable: true, rollback: true }
${scaling}  tags: { team: bench }
`;
}

export function servicePath(i) {
  return `services/${serviceName(i)}.yaml`;
}

/** The estate's files as {file, text} (what loadManifestTexts takes). */
export function estateFiles(n, opts = {}) {
  const clusters = opts.clusters ?? CLUSTERS;
  const files = [{ file: 'clusters.yaml', text: clustersText(clusters) }];
  for (let i = 0; i < n; i++) files.push({ file: servicePath(i), text: serviceText(i, { clusters }) });
  return files;
}

export function writeEstate(dir, n, opts = {}) {
  mkdirSync(join(dir, 'services'), { recursive: true });
  for (const f of estateFiles(n, opts)) writeFileSync(join(dir, f.file), f.text);
}

/** What the estate holds, for the lower bound of calls. */
export function estateCounts(n, clusters = CLUSTERS) {
  const perCluster = new Array(clusters).fill(0);
  let scalableTargets = 0;
  let scalingPolicies = 0;
  let scheduledActions = 0;
  for (let i = 0; i < n; i++) {
    const s = serviceShape(i, clusters);
    perCluster[i % clusters]++;
    if (s.autoScaling) {
      scalableTargets++;
      scalingPolicies++;
    }
    if (s.scheduled) scheduledActions++;
  }
  return { services: n, clusters, perCluster, taskDefinitionRevisions: n, scalableTargets, scalingPolicies, scheduledActions };
}

// ---- the lower bound of calls ------------------------------------------------------

export const LOWER_BOUND_FORMULA =
  'ceil(C/100) ListClusters + ceil(C/100) DescribeClusters + Σc ceil(Nc/100) ListServices + Σc ceil(Nc/10) DescribeServices' +
  ' + max(1, ceil(N/100)) GetResources + ceil(R/100) ListTaskDefinitions + ceil(T/50) DescribeScalableTargets + [T>0]·max(1, ceil(P/10)) DescribeScalingPolicies + [T>0]·max(1, ceil(S/50)) DescribeScheduledActions';

/**
 * The fewest calls that see the whole live state of the estate when nothing changed,
 * each term at the API's page or batch maximum (C clusters, Nc services in cluster c,
 * N managed services of the region, R ACTIVE task definition revisions, T scalable
 * targets, P scaling policies (10 a page: DescribeScalingPolicies MaxResults is at most 10), S scheduled actions; revision bodies are immutable, so
 * no DescribeTaskDefinition once cached). GetResources is the orphan search (managed
 * services in clusters no manifest names), ResourcesPerPage at most 100 (Resource
 * Groups Tagging API reference, GetResources).
 */
export function lowerBound(counts) {
  const c = Math.ceil;
  const terms = {
    ListClusters: c(counts.clusters / 100),
    DescribeClusters: c(counts.clusters / 100),
    ListServices: counts.perCluster.reduce((n, k) => n + Math.max(1, c(k / 100)), 0),
    DescribeServices: counts.perCluster.reduce((n, k) => n + c(k / 10), 0),
    GetResources: Math.max(1, c(counts.services / 100)),
    ListTaskDefinitions: Math.max(1, c(counts.taskDefinitionRevisions / 100)),
    DescribeScalableTargets: Math.max(1, c(counts.scalableTargets / 50)),
    DescribeScalingPolicies: counts.scalableTargets ? Math.max(1, c(counts.scalingPolicies / 10)) : 0,
    DescribeScheduledActions: counts.scalableTargets ? Math.max(1, c(counts.scheduledActions / 50)) : 0,
  };
  return { total: Object.values(terms).reduce((a, b) => a + b, 0), terms };
}
