/** The message of the ConfigError loadConfig throws for `env` and `argv` (fails if it does not throw one). */
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

export function configError(env: NodeJS.ProcessEnv, argv: string[] = []): string {
  try {
    loadConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
