// The start-up extension of scripts/emulator_ext/tagging_gaps.py: GetResources pages as the
// Resource Groups Tagging API reference documents (ResourcesPerPage bounds a page; a tag
// limit applies only when the request gives TagsPerPage). Fails on plain moto
// (ECS_EMULATOR_NO_EXTENSIONS=1), which ends a page at 100 tags whatever the request asks.
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { emulatorVar, sdkClientConfig } from './emulator-helpers.js';

const ecs = new ECSClient(sdkClientConfig());
const tagging = new ResourceGroupsTaggingAPIClient(sdkClientConfig());
const SERVICES = 30;
const TAGS_EACH = 6;

async function pagesOf(input: { ResourcesPerPage?: number; TagsPerPage?: number }): Promise<number[]> {
  const sizes: number[] = [];
  let token: string | undefined;
  do {
    const r = await tagging.send(
      new GetResourcesCommand({
        ...input,
        ResourceTypeFilters: ['ecs:service'],
        TagFilters: [{ Key: 'owner', Values: ['tagging-gap'] }],
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    sizes.push(r.ResourceTagMappingList?.length ?? 0);
    token = r.PaginationToken || undefined;
  } while (token);
  return sizes;
}

describe('GetResources pages by ResourcesPerPage (Resource Groups Tagging API reference, GetResources)', () => {
  it(`${SERVICES} services of ${TAGS_EACH} tags each come in one page of ResourcesPerPage 100; TagsPerPage, when given, still limits tags`, async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'tagging-gap' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'tagging-gap',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'x', image: 'busybox' }],
      }),
    );
    for (let i = 0; i < SERVICES; i++)
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'tagging-gap',
          serviceName: `svc-${i}`,
          taskDefinition: td.taskDefinition!.taskDefinitionArn!,
          desiredCount: 0,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: [emulatorVar('SUBNET_A')], securityGroups: [emulatorVar('SECURITY_GROUP')] } },
          tags: [{ key: 'owner', value: 'tagging-gap' }, ...Array.from({ length: TAGS_EACH - 1 }, (_, t) => ({ key: `t${t}`, value: String(i) }))],
        }),
      );
    // 180 tags in all: plain moto ends each page before 100 tags (16 services a page)
    expect(await pagesOf({ ResourcesPerPage: 100 })).toEqual([SERVICES]);
    expect(await pagesOf({ ResourcesPerPage: 10 })).toEqual([10, 10, 10]);
    // "A limit that restricts the number of tags ... returned by GetResources in paginated output": given, it applies
    const byTags = await pagesOf({ TagsPerPage: 100 });
    expect(byTags.length).toBeGreaterThan(1);
    expect(byTags.reduce((a, b) => a + b, 0)).toBe(SERVICES);
  });
});
