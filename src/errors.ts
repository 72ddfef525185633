/** The coded errors of CONTRACT §5: the only failures a tool result carries to the model. */
import { cleanText } from './providers/clean-text.js';

export const ERROR_CODES = [
  'invalid_argument',
  'not_found',
  'unauthorized',
  'rate_limited',
  'timeout',
  'upstream_error',
  'upstream_invalid_response',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ToolErrorDetails {
  provider?: string;
  httpStatus?: number;
  retryable?: boolean;
  retryAfterSeconds?: number;
}

/**
 * A failure the model can act on. The message is built only from trusted parts (our own text,
 * the ids the caller sent, a provider message after it was parsed and trimmed): never a key,
 * a header or a raw body.
 */
/** The §5 error object a result carries: the code, the message, and details when known. */
export type ErrorObject = { code: ErrorCode; message: string; retryable: boolean } & Record<
  string,
  unknown
>;

export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly details: ToolErrorDetails;

  constructor(code: ErrorCode, message: string, details: ToolErrorDetails = {}) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
    this.details = details;
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }

  /** The JSON body of the `isError` tool result (CONTRACT §5). */
  toJSON(): { error: ErrorObject } {
    const { provider, httpStatus, retryAfterSeconds } = this.details;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(provider === undefined ? {} : { provider }),
        ...(httpStatus === undefined ? {} : { http_status: httpStatus }),
        retryable: this.retryable,
        ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }),
      },
    };
  }
}

/** A start-up problem (bad env, bad flags): printed to stderr, then exit 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function invalidArgument(message: string, provider?: string): ToolError {
  return new ToolError('invalid_argument', message, { provider });
}

/** Keeps a provider-supplied message usable in our own text: one line, bounded, printable. */
export function trimProviderMessage(message: unknown, max = 200): string | undefined {
  if (typeof message !== 'string') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = cleanText(message.replace(/[\u0000-\u001f\u007f]+/g, ' ')).trim();
  if (clean === '') return undefined;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
