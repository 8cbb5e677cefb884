// The estate the rollout tests deploy: a cluster, a Fargate task definition (one `app`
// container, nginx, port 80) and one service running it in awsvpc mode. Each test names
// its own cluster and family (files share an emulator's account only within a file) and
// adds the service fields it is about (circuit breaker, CODE_DEPLOY, load balancers).

export interface RolloutEstate {
  cluster: string;
  family: string;
  service: string;
  /** the image tag, or `${IMAGE_TAG}` for a --var */
  image: string;
  desiredCount?: number;
  /** the service's awsvpcConfiguration, as flow YAML */
  awsvpc?: string;
  /** more lines of the Service spec, each indented two spaces */
  serviceExtra?: string;
}

export const CIRCUIT_BREAKER_WITH_ROLLBACK = `  deploymentConfiguration:
    deploymentCircuitBreaker: { enable: true, rollback: true }
`;

export function rolloutEstate(e: RolloutEstate): string {
  return `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: ${e.cluster} }
spec: {}
---
apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: ${e.family} }
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - { name: app, image: "public.ecr.aws/nginx/nginx:${e.image}", essential: true, portMappings: [{ containerPort: 80 }] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: ${e.service}, cluster: ${e.cluster} }
spec:
  taskDefinition: ${e.family}
  desiredCount: ${e.desiredCount ?? 1}
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration: ${e.awsvpc ?? '{ subnets: ["${SUBNET_A}"] }'}
${e.serviceExtra ?? ''}`;
}
