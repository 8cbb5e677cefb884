// The daemon's logs as log pipelines expect them: a word for the level, ISO time, AWS
// errors with their code and request id; the pretty format is one readable line.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsCallError, errorDetails } from '../src/aws/index.js';
import { createLogger } from '../src/daemon/logger.js';

function capture(format: 'json' | 'pretty') {
  const lines: string[] = [];
  let buf = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', format, destination }), lines };
}

function throttled(): Error {
  // the shape the AWS SDK v3 throws: name = the service's error code, $metadata from the response
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { requestId: '6f1c2b7e-1d8a-4c1f-9e0b-2f4a5d6c7b8a', httpStatusCode: 400, attempts: 8 },
  });
}

describe('JSON logs', () => {
  it('write the level as a word and the time in ISO 8601', () => {
    const { logger, lines } = capture('json');
    logger.info({ resource: 'Service/eu-west-1/prod/web' }, 'hello');
    logger.warn('careful');
    const [info, warn] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(info).toMatchObject({ level: 'info', resource: 'Service/eu-west-1/prod/web', msg: 'hello', name: 'ecs-reconciler' });
    expect(warn!.level).toBe('warn');
    expect(info!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('serialize an AWS error with its code, request id, HTTP status and attempts', () => {
    const { logger, lines } = capture('json');
    logger.error({ resource: 'Service/eu-west-1/prod/web', err: throttled() }, 'update-service failed');
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({
      type: 'ThrottlingException',
      code: 'ThrottlingException',
      message: 'Rate exceeded',
      requestId: '6f1c2b7e-1d8a-4c1f-9e0b-2f4a5d6c7b8a',
      httpStatusCode: 400,
      attempts: 8,
    });
    expect(line.err.stack).toContain('Rate exceeded');
  });

  it("keep the request id of an SDK error through the gateway's AwsCallError", () => {
    const wrapped = new AwsCallError('UpdateService', 'ThrottlingException', 'UpdateService: ThrottlingException: Rate exceeded', true, true, {
      requestId: 'req-42',
      httpStatusCode: 400,
      attempts: 8,
    });
    expect(errorDetails(wrapped)).toEqual({
      name: 'AwsCallError',
      message: 'UpdateService: ThrottlingException: Rate exceeded',
      code: 'ThrottlingException',
      requestId: 'req-42',
      httpStatusCode: 400,
      attempts: 8,
    });
    const { logger, lines } = capture('json');
    logger.error({ err: wrapped }, 'update-service failed');
    expect((JSON.parse(lines[0]!) as { err: Record<string, unknown> }).err).toMatchObject({ code: 'ThrottlingException', requestId: 'req-42' });
  });

  it('serialize a plain error without AWS fields', () => {
    const { logger, lines } = capture('json');
    logger.error({ err: new TypeError('x is not a function') }, 'pass 3 failed');
    const err = (JSON.parse(lines[0]!) as { err: Record<string, unknown> }).err;
    expect(err).toMatchObject({ type: 'TypeError', message: 'x is not a function' });
    expect(err).not.toHaveProperty('requestId');
    expect(err).not.toHaveProperty('code');
  });
});

describe('pretty logs', () => {
  it('are one line with time, level and message, without the JSON object', () => {
    const { logger, lines } = capture('pretty');
    logger.info({ resource: 'Service/eu-west-1/prod/web', passId: 3, states: { 'in-sync': 8 } }, 'pass 3: 8 resource(s), 0 applied, 0 failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[[^\]]+\] INFO: pass 3: 8 resource\(s\), 0 applied, 0 failed$/);
    expect(lines[0]).not.toContain('{');
  });

  it('add the AWS error code, message and request id to the message', () => {
    const { logger, lines } = capture('pretty');
    logger.error({ resource: 'Service/eu-west-1/prod/web', err: throttled() }, 'update-service Service/eu-west-1/prod/web failed');
    expect(lines[0]).toMatch(
      /ERROR: update-service Service\/eu-west-1\/prod\/web failed \(ThrottlingException: Rate exceeded, request id 6f1c2b7e-1d8a-4c1f-9e0b-2f4a5d6c7b8a\)$/,
    );
  });
});
