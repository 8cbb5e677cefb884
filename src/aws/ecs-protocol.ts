/**
 * The ECS clients' protocol: the SDK's own (AwsJson1_1Protocol, what ECSClient uses when
 * given none), passed through the client's public `protocol` option, with one change for
 * DescribeServices. Its answer's schema has document and big-number members (a deployment's
 * lifecycle hooks carry `hookDetails`, a document), so the SDK parses every answer with
 * JSON.parse and its jsonReviver (@smithy/core protocols: needsReviver), called for each
 * value of the answer so that a number too big or too precise for a double keeps its text.
 * That reviver was most of the SDK's read of a 10-service answer (0.6 of 1.0 ms; 1,000 such
 * answers a warm pass at 10,000 services, issue 19). An answer the events trim found to
 * keep only plain numbers (trim-service-events.ts: each one's text is String() of its value,
 * inside the safe integer range) is one the reviver gives back unchanged, so it is parsed
 * here without one and handed to the SDK's own schema reader (the protocol's deserializer,
 * readObject): Dates, documents and every member as the SDK makes them. Any other answer,
 * and any other operation's, goes through the SDK's own path.
 */

import { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import { hasOnlyPlainNumbers } from './trim-service-events.js';

type DeserializeArgs = Parameters<AwsJson1_1Protocol['deserializeResponse']>;

/** the protocol's deserializer as @smithy/core builds it (JsonShapeDeserializer2): its typed interface names read() only */
interface SchemaReader {
  readObject(schema: DeserializeArgs[0]['output'], data: unknown): Record<string, unknown>;
}

export class EcsJsonProtocol extends AwsJson1_1Protocol {
  override async deserializeResponse<Output extends { $metadata: object }>(...[operationSchema, context, response]: DeserializeArgs): Promise<Output> {
    const body = response.body as unknown;
    if (response.statusCode !== 200 || !(body instanceof Uint8Array) || !hasOnlyPlainNumbers(body))
      return super.deserializeResponse<Output>(operationSchema, context, response);
    // the headers and $metadata as the SDK reads them, from the answer without its body
    response.body = new Uint8Array(0);
    const { $metadata } = await super.deserializeResponse<Output>(operationSchema, context, response);
    const answer = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    return { ...(this.deserializer as unknown as SchemaReader).readObject(operationSchema.output, answer), $metadata } as Output;
  }
}
