/**
 * What the load stage asks of a Service spec as a user may keep it: one kept from
 * describe-services output (as ecspresso keeps it) carries read-only members.
 */
import type { ManifestNotice } from '../kind.js';

/**
 * DescribeServices output members that CreateService and UpdateService do not take. The
 * Service data type's `platformFamily` is "The operating system that your tasks in the
 * service run on" (ECS takes it from the task definition's runtimePlatform; neither
 * CreateServiceRequest nor UpdateServiceRequest has the member); ecspresso writes it in
 * the service definition it keeps (`ecspresso init`), so ecspresso users' files carry it.
 */
const SERVICE_READ_ONLY_FIELDS = ['platformFamily'] as const;

const DESCRIBE_SERVICES_NOTICE = 'read as describe-services output';

/** The spec less the read-only members, said once a file; undefined when it has none. */
export function readServiceSpec(spec: Record<string, unknown>): { spec: Record<string, unknown>; notice: ManifestNotice } | undefined {
  const dropped = SERVICE_READ_ONLY_FIELDS.filter((f) => f in spec);
  if (!dropped.length) return undefined;
  const kept = { ...spec };
  for (const f of dropped) delete kept[f];
  return {
    spec: kept,
    notice: {
      prefix: DESCRIBE_SERVICES_NOTICE,
      message: `${DESCRIBE_SERVICES_NOTICE}: dropped read-only field(s) ${dropped.join(', ')} (CreateService does not take them)`,
    },
  };
}
