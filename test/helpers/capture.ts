/**
 * Everything a test file can see leave the server: tool results and this process's stderr lines,
 * collected so a final check can prove no key or auth header value ever appears in any of it.
 */

export interface Capture {
  /** Records one piece of output (a tool result, a stderr chunk, a stdout line). */
  add(text: unknown): void;
  readonly texts: readonly string[];
  /** Every recorded text that contains one of `secrets`, with the secret named. */
  leaks(secrets: readonly string[]): string[];
}

export function createCapture(): Capture {
  const texts: string[] = [];
  return {
    texts,
    add(text) {
      texts.push(typeof text === 'string' ? text : JSON.stringify(text));
    },
    leaks(secrets) {
      const found: string[] = [];
      const lower = texts.map((text) => text.toLowerCase());
      for (const secret of secrets.filter((s) => s.length >= 4)) {
        lower.forEach((text, i) => {
          if (text.includes(secret.toLowerCase())) {
            found.push(`${secret.slice(0, 6)}… in ${texts[i]?.slice(0, 120)}`);
          }
        });
      }
      return found;
    },
  };
}

/**
 * Wraps process.stderr.write so every chunk is recorded and, unless `echo`, not printed: the
 * diagnostics a fault-injection test provokes are expected output, asserted by the test, and
 * printed among the results they read like failures.
 */
export function captureStderr(capture: Capture, { echo = false } = {}): () => void {
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    capture.add(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    if (echo) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
  };
}

/** Runs `work` with this process's stderr captured (not printed); returns its value and that text. */
export async function withStderr<T>(work: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const capture = createCapture();
  const restore = captureStderr(capture);
  try {
    const value = await work();
    return { value, stderr: capture.texts.join('') };
  } finally {
    restore();
  }
}

/**
 * The values that must never be shown (CONTRACT §5): each key as sent, with its scheme word,
 * percent-encoded, base64 and base64url with and without padding, embedded in a base64 credential,
 * JSON-escaped, and its first 10 characters (what a cut at a length limit would leave). `leaks`
 * compares without case, which covers an upper- or lower-cased echo.
 */
export function secretForms(keys: readonly string[]): string[] {
  return keys.flatMap((key) => [`Bearer ${key}`, key.slice(0, 10), ...echoedForms(key)]);
}

export function echoedForms(key: string): string[] {
  const b64 = Buffer.from(key).toString('base64');
  return [
    key,
    encodeURIComponent(key),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(key).toString('base64url'),
    Buffer.from(`user:${key}`).toString('base64'),
    Buffer.from(`us:${key}`).toString('base64'),
    Buffer.from(`u:${key}`).toString('base64'),
    JSON.stringify(key).slice(1, -1),
  ];
}
