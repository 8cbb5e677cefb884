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

import { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import { trimmedAnswer } from './trim-service-events.js';

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
    const { body, onlyPlainNumbers } = trimmedAnswer(await collectedBody(response.body));
    response.body = body;
    if (!onlyPlainNumbers) return super.deserializeResponse<Output>(operationSchema, context, response);
    // the headers and $metadata as the SDK reads them, from the answer without its body
    response.body = new Uint8Array(0);
    const { $metadata } = await super.deserializeResponse<Output>(operationSchema, context, response);
    // the answer as read stays on the response, which a deserialization error carries as its $response
    response.body = body;
    const answer = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    return { ...(this.deserializer as unknown as SchemaReader).readObject(operationSchema.output, answer), $metadata } as Output;
  }
}

/**
 * The whole body as bytes: a Node stream (the SDK's NodeHttpHandler hands on the
 * IncomingMessage), or bytes already collected; a string as its UTF-8. The stream is read
 * with its async iterator and its chunks joined by Buffer.concat, as the events trim did
 * before it moved here, not by the client's streamCollector (what the SDK's collectBody
 * calls: the stream piped into a Writable, the chunks copied into a new Uint8Array): 1,000
 * DescribeServices answers of 150 KB through the gateway's client took 3.3 to 3.9 s of CPU
 * with it against 2.2 to 2.5 s, its garbage collection twice as long (in turns, 6 runs a
 * way, 2026-12-02), and bench/sdk-floor.mjs at 3,000 services 3.06 to 3.55 s against 2.15 to
 * 2.2 s. Reading the stream's 'data' events instead measured the same as the iterator.
 */
async function collectedBody(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return Buffer.concat(chunks);
}
