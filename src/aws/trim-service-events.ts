/**
 * DescribeServices answers cut down to the events the controller reads, before the SDK
 * turns them into objects. ECS answers up to 100 events a service ([API] Service.events:
 * "A maximum of 100 of the latest events are displayed"), and a long-running service has
 * all 100 (a steady state is logged every few hours), so they are most of an answer's
 * bytes: 10 such services are about 150 KB of JSON. The SDK's deserializer builds an
 * object and a Date for each event, about 4 ms of CPU a call against 0.4 ms for
 * JSON.parse of the same text (10,000 services: 1,000 calls, 4 of a warm pass's CPU
 * seconds; issue 19). Parsing the text once here and handing the SDK the same JSON with
 * only the newest events costs a little over that JSON.parse.
 */

import { SERVICE_EVENTS_READ } from './ecs-api.js';

type Next = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;

interface RawResponse {
  statusCode?: number;
  body?: unknown;
}

/**
 * Middleware for the SDK's deserialize step, placed inside its deserializer: it sees the
 * raw HTTP response first. Only a successful DescribeServices answer is touched; anything
 * that does not read as that answer's JSON goes on as it came (the SDK words the error).
 */
export function trimServiceEventsMiddleware(next: Next, context: { commandName?: string }): Next {
  return async (args) => {
    const result = await next(args);
    if (context.commandName !== 'DescribeServicesCommand') return result;
    const response = result.response as RawResponse;
    if (response.statusCode !== 200 || response.body === undefined) return result;
    response.body = trimmedBody(await bytesOf(response.body));
    return result;
  };
}

/** The answer's JSON with each service's events cut to the newest SERVICE_EVENTS_READ, or the bytes as they were. */
export function trimmedBody(bytes: Uint8Array): Uint8Array {
  let answer: unknown;
  try {
    answer = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return bytes;
  }
  const services = (answer as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) return bytes;
  let trimmed = false;
  for (const s of services) {
    const events = (s as { events?: unknown } | null)?.events;
    if (Array.isArray(events) && events.length > SERVICE_EVENTS_READ) {
      (s as { events: unknown[] }).events = events.slice(0, SERVICE_EVENTS_READ);
      trimmed = true;
    }
  }
  return trimmed ? Buffer.from(JSON.stringify(answer), 'utf8') : bytes;
}

/** The whole body: a Node stream (the SDK's NodeHttpHandler), or bytes already collected. */
async function bytesOf(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return Buffer.concat(chunks);
}
