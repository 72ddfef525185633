/**
 * Maple's Idempotency-Key (§3 [C]): the first answer for a key is stored and replayed, errors
 * included, with `Idempotency-Used: true`; the same key with another body → 409. This is what makes
 * a client that reuses a key on /find see page 1 forever, so tests can prove we never send one.
 */
import type { EmulatorRequest, EmulatorResponse } from '../emulator.js';

const MAX_KEY = 64;

export class IdempotencyStore {
  private readonly stored = new Map<string, { body: string; response: EmulatorResponse }>();

  wrap(req: EmulatorRequest, run: () => EmulatorResponse): EmulatorResponse {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || req.method !== 'POST') return run();
    if (key.length > MAX_KEY) return tooLong();
    const earlier = this.stored.get(key);
    if (earlier && earlier.body !== req.rawBody) return conflict();
    if (earlier) {
      const headers = { ...earlier.response.headers, 'idempotency-used': 'true' };
      return { ...earlier.response, headers };
    }
    const response = run();
    const echoed = { ...response, headers: { ...response.headers, 'idempotency-key': key } };
    this.stored.set(key, { body: req.rawBody, response: echoed });
    return echoed;
  }
}

function tooLong(): EmulatorResponse {
  return {
    status: 400,
    json: {
      error_message: 'Request does not contain valid information',
      error_type: 'validation_error',
      error_status: 400,
      validation_errors: [
        { field: 'Idempotency-Key', message: `must be at most ${MAX_KEY} characters` },
      ],
    },
  };
}

function conflict(): EmulatorResponse {
  return {
    status: 409,
    json: {
      error_message: 'Conflicting requests with the same idempotency key',
      error_type: 'idempotency_error',
      error_code: 'idempotency_conflict',
      error_status: 409,
    },
  };
}
