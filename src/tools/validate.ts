/**
 * Our own input validation. McpServer would answer bad input with plain text; CONTRACT §5 wants
 * a coded `invalid_argument` naming the argument and what is allowed, before any upstream request.
 */
import type { z } from 'zod';
import { invalidArgument } from '../errors.js';

/** Arguments arrive as parsed JSON; past this many values they are rejected before zod sees them. */
const MAX_ARGUMENT_ELEMENTS = 2000;

export function validateArguments<T>(schema: z.ZodType<T>, args: unknown, provider: string): T {
  if (countElements(args, MAX_ARGUMENT_ELEMENTS) > MAX_ARGUMENT_ELEMENTS) {
    throw invalidArgument(
      `arguments: too large (more than ${MAX_ARGUMENT_ELEMENTS} values).`,
      provider,
    );
  }
  const parsed = schema.safeParse(args ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map(describeIssue);
  throw invalidArgument(problems.join('; '), provider);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? ` in ${path}` : '';
    return `unknown argument${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}`;
  }
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${preview(issue.input)})` : '';
  return `${path || 'arguments'}: ${issue.message}${got}`;
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
}

/** Counts values in a JSON tree, stopping as soon as `limit` is passed (cheap on huge input). */
function countElements(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const current = stack.pop();
    count++;
    if (current !== null && typeof current === 'object') {
      for (const child of Object.values(current)) stack.push(child);
    }
  }
  return count;
}
