/**
 * What an AWS SDK error says, as a plain value for logs and reports: the error code
 * (the SDK puts the service's `__type` / `Code` in `name`), the request id (`$metadata`,
 * from the x-amzn-RequestId header: what AWS Support asks for), the HTTP status and the
 * SDK's attempt count. Any other error gives its name and message.
 */
export interface ErrorDetails {
  name: string;
  message: string;
  /** the AWS error code, e.g. ThrottlingException, ClientException, InvalidParameterException */
  code?: string;
  requestId?: string;
  httpStatusCode?: number;
  attempts?: number;
}

export function errorDetails(err: unknown): ErrorDetails {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  // the gateway's AwsCallError (read by shape: this module stays free of the SDK)
  const wrapped = err as Error & { operation?: unknown; code?: unknown; response?: { requestId?: string; httpStatusCode?: number; attempts?: number } };
  if (typeof wrapped.operation === 'string' && typeof wrapped.code === 'string' && wrapped.response) {
    const r = wrapped.response;
    return {
      name: err.name,
      message: err.message,
      code: wrapped.code,
      ...(r.requestId ? { requestId: r.requestId } : {}),
      ...(r.httpStatusCode !== undefined ? { httpStatusCode: r.httpStatusCode } : {}),
      ...(r.attempts !== undefined ? { attempts: r.attempts } : {}),
    };
  }
  const e = err as Error & { $metadata?: { requestId?: unknown; httpStatusCode?: unknown; attempts?: unknown }; $fault?: unknown; Code?: unknown };
  const meta = e.$metadata;
  const fromAws = meta !== undefined || e.$fault !== undefined;
  return {
    name: e.name,
    message: e.message,
    ...(fromAws ? { code: typeof e.Code === 'string' ? e.Code : e.name } : {}),
    ...(typeof meta?.requestId === 'string' && meta.requestId ? { requestId: meta.requestId } : {}),
    ...(typeof meta?.httpStatusCode === 'number' ? { httpStatusCode: meta.httpStatusCode } : {}),
    ...(typeof meta?.attempts === 'number' ? { attempts: meta.attempts } : {}),
  };
}

/** A failed AWS call as the gateway reports it: the operation, the AWS error code, and whether trying again may help. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    readonly throttled: boolean,
    /** the call may have failed for a passing reason (throttling, 5xx, the network) */
    readonly retryable = throttled,
    /** from the SDK error's $metadata: the request id AWS Support asks for, the HTTP status, the SDK's attempts */
    readonly response: { requestId?: string; httpStatusCode?: number; attempts?: number } = {},
  ) {
    super(message);
    this.name = 'AwsCallError';
  }
}

/** The error codes AWS services throttle with (ECS, Application Auto Scaling, DynamoDB, STS). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

/** The code of a call the pass's abort ended (src/aws/pass-signal.ts): no answer of AWS's. */
export const INTERRUPTED = 'Interrupted';

/** A call ended, or never sent, because the pass was stopped (SIGTERM, a lost lease). */
export function interruptedCall(operation: string): AwsCallError {
  return new AwsCallError(operation, INTERRUPTED, `${operation}: interrupted: the pass was stopped before AWS answered`, false, false);
}
