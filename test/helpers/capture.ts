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
      for (const secret of secrets.filter((s) => s.length >= 4)) {
        for (const text of texts) {
          if (text.includes(secret)) found.push(`${secret.slice(0, 6)}… in ${text.slice(0, 120)}`);
        }
      }
      return found;
    },
  };
}

/** Wraps process.stderr.write so every chunk is recorded (and still written). */
export function captureStderr(capture: Capture): () => void {
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    capture.add(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
  };
}

/** The values that must never be shown: each key, and each header value that carries it. */
export function secretForms(keys: readonly string[]): string[] {
  return keys.flatMap((key) => [key, `Bearer ${key}`]);
}
