/**
 * The ECS clients' protocol: the SDK's own (AwsJson1_1Protocol, what ECSClient uses when
 * given none), passed through the client's public `protocol` option, with one change for
 * DescribeServices: its answer is cut to the events the controller reads and, where that
 * changes nothing, parsed without the SDK's JSON reviver. One place for both: the protocol
 * is handed the raw HTTP answer (the SDK's deserializer middleware calls it with the
 * response as the request handler gave it), so it collects the body, trims it
 * (trim-service-events.ts) and parses it, and no other step of the stack sees the answer
 * in between.
 *
 * The reviver: the answer's schema has document and big-number members (a deployment's
 * lifecycle hooks carry `hookDetails`, a document), so the SDK parses every answer with
 * JSON.parse and its jsonReviver (@smithy/core protocols: needsReviver), called for each
 * value of the answer so that a number too big or too precise for a double keeps its text.
 * That reviver was most of the SDK's read of a 10-service answer (0.6 of 1.0 ms; 1,000 such
 * answers a warm pass at 10,000 services, issue 19). An answer the events trim found to
 * keep only plain numbers (each one a number the reviver's own test gives back as JSON.parse
 * read it: ECS's exponent-form timestamps among them, trim-service-events.ts isPlainNumber)
 * is one the reviver gives back unchanged, so it is parsed here without one
 * and handed to the SDK's own schema reader (the protocol's deserializer, readObject):
 * Dates, documents and every member as the SDK makes them. Any other answer (the trimmed
 * bytes), an answer that is not a success, and any other operation's go through the SDK's
 * own path.
 */

import { hash } from 'node:crypto';
import { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import { SERVICE_EVENTS_READ } from './ecs-api.js';
import { type ServiceSpans, trimmedAnswer } from './trim-service-events.js';

/**
 * Where a DescribeServices call says what it already has: the services it described before,
 * by ARN, each with the answer tag it came with (ANSWER_TAGS). Set on the call's handler
 * context by the gateway (sdk-gateway.ts describeServices), read here.
 */
export const KNOWN_ANSWERS = Symbol('ecs-reconciler: known DescribeServices answers');
/** On a DescribeServices output: each decoded service's answer tag, by ARN (a Map). */
export const ANSWER_TAGS = Symbol('ecs-reconciler: DescribeServices answer tags');
/** On a DescribeServices output: the ARNs of the services whose answer is its known one, byte for byte; they are not in `services`. */
export const UNCHANGED_ANSWERS = Symbol('ecs-reconciler: unchanged DescribeServices answers');

type DeserializeArgs = Parameters<AwsJson1_1Protocol['deserializeResponse']>;

/** the protocol's deserializer as @smithy/core builds it (JsonShapeDeserializer2): its typed interface names read() only */
interface SchemaReader {
  readObject(schema: DeserializeArgs[0]['output'], data: unknown): Record<string, unknown>;
}

export class EcsJsonProtocol extends AwsJson1_1Protocol {
  override async deserializeResponse<Output extends { $metadata: object }>(...[operationSchema, context, response]: DeserializeArgs): Promise<Output> {
    // a failure's body is the SDK's to word (its error code and message); only a success is the answer this reads
    if (operationSchema.name !== 'DescribeServices' || response.statusCode !== 200 || response.body == null)
      return super.deserializeResponse<Output>(operationSchema, context, response);
    const scratch = takeScratch();
    let body: Uint8Array | undefined;
    try {
      const trimmed = trimmedAnswer(await collectedBody(response.body, scratch), SERVICE_EVENTS_READ, (n) => scratch.room('cut', n));
      body = trimmed.body;
      // the SDK's own path reads the bytes later: its own copy (the scratch is reused)
      if (!trimmed.onlyPlainNumbers) {
        response.body = Buffer.from(body);
        return await super.deserializeResponse<Output>(operationSchema, context, response);
      }
      // the headers and $metadata as the SDK reads them, from the answer without its body
      response.body = new Uint8Array(0);
      const { $metadata } = await super.deserializeResponse<Output>(operationSchema, context, response);
      const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const reader = this.deserializer as unknown as SchemaReader;
      const known = (context as { [KNOWN_ANSWERS]?: ReadonlyMap<string, string> })[KNOWN_ANSWERS];
      if (!trimmed.services || !known) return { ...reader.readObject(operationSchema.output, JSON.parse(bytes.toString('utf8'))), $metadata } as Output;
      return { ...readByService(reader, operationSchema.output, bytes, trimmed.services, known), $metadata } as Output;
    } catch (err) {
      // the answer as read stays on the response, which a deserialization error carries as its $response
      // (the SDK's own path has its copy already; the read here left the empty placeholder)
      if (body && (response.body as Uint8Array | undefined)?.byteLength === 0) response.body = Buffer.from(body);
      throw err;
    } finally {
      scratch.release();
    }
  }
}

/**
 * An answer read service by service: each service's bytes are tagged (SHA-1), and a service
 * whose tag is the one the call knows for its ARN is not parsed or decoded at all: the call
 * has it already. The others, and the rest of the answer (failures), are decoded by the SDK's
 * schema reader as one answer, so each member is what the SDK makes of it. At 10,000 services
 * a steady estate's warm pass describes 10,000 services whose answers did not change (issue 19).
 */
function readByService(
  reader: SchemaReader,
  output: DeserializeArgs[0]['output'],
  bytes: Buffer,
  { open, close, spans }: ServiceSpans,
  known: ReadonlyMap<string, string>,
): Record<string | symbol, unknown> {
  const changed: unknown[] = [];
  const tags = new Map<string, string>();
  const unchanged: string[] = [];
  for (let k = 0; k < spans.length; k += 4) {
    // the ARN's text as written: read as JSON where it has an escape (never in ECS's answers)
    const written = bytes.toString('utf8', spans[k + 2], spans[k + 3]);
    const arn = written.includes('\\') ? (JSON.parse(`"${written}"`) as string) : written;
    const tag = hash('sha1', bytes.subarray(spans[k], spans[k + 1]), 'base64');
    if (known.get(arn) === tag) unchanged.push(arn);
    else {
      changed.push(JSON.parse(bytes.toString('utf8', spans[k], spans[k + 1])));
      tags.set(arn, tag);
    }
  }
  // the answer less its services' elements: `{"services":[],"failures":[...]}`
  const rest = JSON.parse(`${bytes.toString('utf8', 0, open + 1)}${bytes.toString('utf8', close - 1)}`);
  rest.services = changed;
  const decoded: Record<string | symbol, unknown> = reader.readObject(output, rest);
  decoded[ANSWER_TAGS] = tags;
  decoded[UNCHANGED_ANSWERS] = unchanged;
  return decoded;
}

/**
 * The whole body as bytes, in the call's scratch memory: a Node stream (the SDK's
 * NodeHttpHandler hands on the IncomingMessage), or bytes already collected; a string as
 * its UTF-8. The stream is read with its async iterator, not by the client's
 * streamCollector (what the SDK's collectBody calls: the stream piped into a Writable, the
 * chunks copied into a new Uint8Array): 1,000 DescribeServices answers of 150 KB through
 * the gateway's client took 3.3 to 3.9 s of CPU with it against 2.2 to 2.5 s, its garbage
 * collection twice as long (in turns, 6 runs a way, 2026-12-02), and bench/sdk-floor.mjs at
 * 3,000 services 3.06 to 3.55 s against 2.15 to 2.2 s. Reading the stream's 'data' events
 * instead measured the same as the iterator.
 */
async function collectedBody(body: unknown, scratch: Scratch): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  let length = 0;
  let into = scratch.room('body', 0);
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (length + bytes.length > into.length) into = scratch.grow('body', length + bytes.length, length);
    into.set(bytes, length);
    length += bytes.length;
  }
  return into.subarray(0, length);
}

/**
 * Memory a DescribeServices answer is collected and cut in, kept from one call to the next:
 * a warm pass at 10,000 services reads 1,000 answers of about 150 KB, and a new buffer for
 * each (the joined chunks, then the cut answer) was some 300 MB a pass of memory outside
 * V8's heap, which V8 counts towards starting a full collection (issue 19). Each call in
 * flight takes its own; a few are kept, none over SCRATCH_KEPT_MAX bytes.
 */
interface Scratch {
  /** a buffer of at least `n` bytes for `use`, its bytes undefined */
  room(use: 'body' | 'cut', n: number): Buffer;
  /** the `use` buffer grown to at least `n` bytes, its first `keep` bytes kept */
  grow(use: 'body' | 'cut', n: number, keep: number): Buffer;
  release(): void;
}

const SCRATCH_INITIAL = 256 * 1024;
const SCRATCH_KEPT_MAX = 8 * 1024 * 1024;
const SCRATCH_KEPT = 4;
const idleScratch: Array<Record<'body' | 'cut', Buffer>> = [];

function takeScratch(): Scratch {
  const buffers = idleScratch.pop() ?? { body: Buffer.allocUnsafeSlow(SCRATCH_INITIAL), cut: Buffer.allocUnsafeSlow(SCRATCH_INITIAL) };
  const sized = (n: number, from: number) => {
    let size = Math.max(from, SCRATCH_INITIAL);
    while (size < n) size *= 2;
    return Buffer.allocUnsafeSlow(size);
  };
  return {
    room(use, n) {
      if (buffers[use].length < n) buffers[use] = sized(n, buffers[use].length);
      return buffers[use];
    },
    grow(use, n, keep) {
      const old = buffers[use];
      if (old.length >= n) return old;
      buffers[use] = sized(n, old.length);
      buffers[use].set(old.subarray(0, keep));
      return buffers[use];
    },
    release() {
      if (idleScratch.length < SCRATCH_KEPT && buffers.body.length <= SCRATCH_KEPT_MAX && buffers.cut.length <= SCRATCH_KEPT_MAX) idleScratch.push(buffers);
    },
  };
}
