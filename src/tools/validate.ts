/**
 * Our own input validation. McpServer would answer bad input with plain text; CONTRACT §5 wants
 * a coded `invalid_argument` naming the argument and what is allowed, before any upstream request.
 */
import type { z } from 'zod';
import { invalidArgument } from '../errors.js';
import { CONTROL } from '../providers/filters.js';
import { cutAt } from './cut.js';

/** Arguments arrive as parsed JSON; past this many values they are rejected before zod sees them. */
const MAX_ARGUMENT_ELEMENTS = 3000;

/** With the u flag, only a surrogate without its pair matches (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function validateArguments<S extends z.ZodType>(
  schema: S,
  args: unknown,
  provider?: string,
): z.output<S> {
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    const got = args === null ? 'null' : Array.isArray(args) ? 'an array' : `a ${typeof args}`;
    throw invalidArgument(
      `arguments: must be an object of named arguments, like {"take": 10} (got ${got}).`,
      provider,
    );
  }
  const { count, illFormedAt, controlAt } = inspect(args, MAX_ARGUMENT_ELEMENTS);
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
  // One rule for every string and key at every depth: nested filter values (Quentli `where`,
  // Maple `query`, Flexprice `filters`) would otherwise reach the upstream with them.
  if (controlAt !== undefined) {
    throw invalidArgument(
      `${controlAt || 'arguments'}: must not contain control characters.`,
      provider,
    );
  }
  const parsed = schema.safeParse(args === undefined ? {} : args, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map(describeIssue);
  throw invalidArgument(problems.join('; '), provider);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? ` in ${path}` : '';
    const keys = issue.keys.slice(0, 5).map((key) => (key.length > 40 ? preview(key) : key));
    return `unknown argument${issue.keys.length > 1 ? 's' : ''}${where}: ${keys.join(', ')}${issue.keys.length > 5 ? ', …' : ''}`;
  }
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${preview(issue.input)})` : '';
  return `${path || 'arguments'}: ${issue.message}${got}`;
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${cutAt(json, 39)}…` : json;
}

/**
 * Counts values in a JSON tree, stopping as soon as `limit` is passed (cheap on huge input), and
 * finds the path of the first string (or key) that is not well-formed UTF-16 or holds a control
 * character.
 */
function inspect(
  value: unknown,
  limit: number,
): { count: number; illFormedAt?: string; controlAt?: string } {
  let count = 0;
  let illFormedAt: string | undefined;
  let controlAt: string | undefined;
  const stack: [unknown, string][] = [[value, '']];
  const check = (text: string, path: string) => {
    if (illFormedAt === undefined && LONE_SURROGATE.test(text)) illFormedAt = path;
    if (controlAt === undefined && CONTROL.test(text)) controlAt = path;
  };
  while (stack.length > 0 && count <= limit) {
    const [current, path] = stack.pop() as [unknown, string];
    count++;
    if (typeof current === 'string') check(current, path);
    if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const shown = CONTROL.test(key) || key.length > 40 ? preview(key) : key;
        const childPath = path ? `${path}.${shown}` : shown;
        check(key, childPath);
        stack.push([child, childPath]);
      }
    }
  }
  return { count, illFormedAt, controlAt };
}
