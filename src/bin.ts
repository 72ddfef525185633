#!/usr/bin/env node
/**
 * The bin's entry: the Node version check, then the server (index.ts). It imports nothing else
 * statically, so an older Node stops here with a message instead of starting and then failing
 * every call (undici 7 needs Node ≥ 20.18.1: on Node 18 each request died on "File is not defined").
 */
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem === undefined) {
  await import('./index.js');
} else {
  process.stderr.write(`billing-customers-mcp: ${problem}\n`);
  process.exitCode = 1;
}
