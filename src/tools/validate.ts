/**
 * Our own input validation. McpServer would answer bad input with plain text; CONTRACT §5 wants
 * a coded `invalid_argument` naming the argument and what is allowed, before any upstream request.
 */
import type { z } from 'zod';
import { invalidArgument } from '../errors.js';

/** Arguments arrive as parsed JSON; past this many values they are rejected before zod sees them. */
const MAX_ARGUMENT_ELEMENTS = 3000;

/** With the u flag, only a surrogate without its pair matches (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function validateArguments<T>(schema: z.ZodType<T>, args: unknown, provider?: string): T {
  const { count, illFormedAt } = inspect(args, MAX_ARGUMENT_ELEMENTS);
  if (count > MAX_ARGUMENT_ELEMENTS) {
    throw invalidArgument(
      `arguments: too large (more than ${MAX_ARGUMENT_ELEMENTS} values).`,
      provider,
    );
  }
  if (illFormedAt !== undefined) {
    // A lone surrogate has no UTF-8 form: it cannot reach a URL or a body as the value given.
    throw invalidArgument(
      `${illFormedAt || 'arguments'}: not valid Unicode text (it holds an unpaired surrogate).`,
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

/**
 * Counts values in a JSON tree, stopping as soon as `limit` is passed (cheap on huge input), and
 * finds the path of the first string that is not well-formed UTF-16.
 */
function inspect(value: unknown, limit: number): { count: number; illFormedAt?: string } {
  let count = 0;
  let illFormedAt: string | undefined;
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && count <= limit) {
    const [current, path] = stack.pop() as [unknown, string];
    count++;
    if (typeof current === 'string' && illFormedAt === undefined && LONE_SURROGATE.test(current)) {
      illFormedAt = path;
    }
    if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return { count, illFormedAt };
}
