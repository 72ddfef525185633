/**
 * The native `where` input: typed conditions on Quentli `customerFilter` fields, one level of
 * AND / OR / NOT. A flat list with a `group` per condition keeps the JSON Schema small (one
 * inlined condition schema instead of three) and can never recurse.
 */
import { z } from 'zod';
import { asDateTime, isDateTime } from '../filters.js';
import {
  BOOLEAN_FIELDS,
  BOOLEAN_OPS,
  DATE_FIELDS,
  LIST_OPS,
  QS_MAX_ARRAY,
  STRING_FIELDS,
  STRING_OPS,
} from './assumptions.js';

const FIELDS = [...STRING_FIELDS, ...DATE_FIELDS, ...BOOLEAN_FIELDS] as const;
const GROUPS = ['AND', 'OR', 'NOT'] as const;
type Group = (typeof GROUPS)[number];

const conditionSchema = z
  .object({
    field: z.enum(FIELDS).describe('Quentli field.'),
    op: z.enum(STRING_OPS).describe('Operator.'),
    // Checked per field kind in conditionProblem (precise messages); the JSON Schema still names
    // the three accepted types, since a schema that constrains nothing is not portable.
    value: z
      .unknown()
      .meta({ anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array' }] })
      .describe('Text, true/false, or a list for in/notIn.'),
    insensitive: z.boolean().optional().describe('Ignore case (text fields).'),
    group: z.enum(GROUPS).optional().describe('AND (default), OR (one of the OR rows) or NOT.'),
  })
  .strict();

export type Condition = z.infer<typeof conditionSchema>;
type Value = string | boolean | string[];

export const whereSchema = z
  .array(conditionSchema)
  .max(QS_MAX_ARRAY)
  .superRefine((conditions, ctx) => {
    conditions.forEach((condition, index) => {
      const problem = conditionProblem(condition);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [index] });
    });
  })
  .describe(
    'Quentli conditions. value: text; dates ISO 8601 (no contains/startsWith/endsWith); booleans true/false (equals/not); in/notIn a list ≤ 20.',
  );

const isString = (field: string): boolean => (STRING_FIELDS as readonly string[]).includes(field);
const isDate = (field: string): boolean => (DATE_FIELDS as readonly string[]).includes(field);

/** Why a condition is not valid Quentli grammar (operator per field kind, value type), or null. */
function conditionProblem({ field, op, value, insensitive }: Condition): string | null {
  if (insensitive !== undefined && !isString(field)) {
    return `insensitive applies to text fields only, not ${field}`;
  }
  if (!isString(field) && !isDate(field)) {
    const ops: readonly string[] = field === 'noPayments' ? ['equals'] : BOOLEAN_OPS;
    if (!ops.includes(op)) return `op for ${field} must be one of: ${ops.join(', ')}`;
    return typeof value === 'boolean' ? null : `value for ${field} must be true or false`;
  }
  if (isDate(field) && ['contains', 'startsWith', 'endsWith'].includes(op)) {
    return `op for date field ${field} must be one of: equals, not, in, notIn, lt, lte, gt, gte`;
  }
  const list = LIST_OPS.includes(op);
  const count = Array.isArray(value) ? value.length : 0;
  if (list !== Array.isArray(value) || (list && (count < 1 || count > QS_MAX_ARRAY))) {
    return list
      ? `value for ${op} must be a list of 1 to ${QS_MAX_ARRAY} strings`
      : `value for ${op} must be a single string`;
  }
  const values = Array.isArray(value) ? value : [value];
  if (values.some((v) => typeof v !== 'string' || v === '' || v.length > 255)) {
    return 'value must be text of 1 to 255 characters';
  }
  // The shared ISO 8601 check (offset allowed, or a plain date), so dates are validated alike.
  if (isDate(field) && values.some((v) => typeof v === 'string' && !isDateTime(v))) {
    return `value for ${field} must be an ISO 8601 date-time (or a date, read as midnight UTC)`;
  }
  return null;
}

/** One condition as a Prisma-style object: `{name: {contains: 'x', mode: 'insensitive'}}`. */
function toPrisma({ field, op, value, insensitive }: Condition): Record<string, unknown> {
  if (field === 'noPayments') return { noPayments: value };
  const normalized = isDate(field)
    ? mapValues(value as Value, (v) => new Date(asDateTime(v)).toISOString())
    : value;
  return { [field]: { [op]: normalized, ...(insensitive ? { mode: 'insensitive' } : {}) } };
}

function mapValues(value: Value, fn: (v: string) => string): Value {
  if (Array.isArray(value)) return value.map(fn);
  return typeof value === 'string' ? fn(value) : value;
}

/** Conditions sorted into Prisma's AND / OR / NOT lists; empty groups are left out (empty OR = false). */
export function whereGroups(
  conditions: readonly Condition[],
): Partial<Record<Group, Record<string, unknown>[]>> {
  const groups: Partial<Record<Group, Record<string, unknown>[]>> = {};
  for (const condition of conditions) {
    const group = condition.group ?? 'AND';
    const list = groups[group] ?? [];
    list.push(toPrisma(condition));
    groups[group] = list;
  }
  return groups;
}
