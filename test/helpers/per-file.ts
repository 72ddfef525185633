/**
 * Vitest runs the files of a worker in one module graph (`isolate: false` in vitest.config.ts):
 * starting a worker and importing the SDK and src/ once per file was a third of the suite's time.
 * What a process keeps between servers is reset here before each file, so every file starts as
 * a fresh process would: no credential another file registered for redaction.
 */
import { processSecrets } from '../../src/redact.js';

processSecrets.clear();
