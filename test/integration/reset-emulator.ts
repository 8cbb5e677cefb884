// setupFiles of the `integration` project: every test file starts from an empty ECS,
// Application Auto Scaling and DynamoDB account; the emulator's network (VPC, subnets,
// security group, target group) is kept.
import { beforeAll } from 'vitest';
import { resetEmulator } from './emulator-helpers.js';

beforeAll(async () => {
  await resetEmulator();
});
