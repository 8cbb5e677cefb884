// An ECS client of the real SDK whose calls never leave the process: a request handler
// answers each one, as ECS's HTTP answer would (test/ecs-protocol.test.ts,
// test/trim-service-events.test.ts).
import { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsJsonProtocol } from '../../src/aws/ecs-protocol.js';

/** The SDK's HTTP response for a call, from the X-Amz-Target it was sent with. */
export type EcsAnswer = (target: string) => { statusCode: number; reason?: string; headers: Record<string, string>; body: unknown };

/** An ECS client answered by `answer` (no network), with the protocol given, else the SDK's own. */
export function ecsClientAnswering(answer: EcsAnswer, protocol?: typeof EcsJsonProtocol): ECSClient {
  const requestHandler = {
    // the answer's own object: the SDK reads its body from it (and a test may look at what it read)
    handle: async (request: { headers: Record<string, string> }) => {
      const response = answer(request.headers['x-amz-target'] ?? '');
      response.reason ??= 'OK';
      return { response };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return new ECSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler,
    maxAttempts: 1,
    ...(protocol ? { protocol } : {}),
  });
}
