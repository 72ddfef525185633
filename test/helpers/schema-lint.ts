/**
 * The tool-schema portability rules of the MCP Inspector's `--strict` check (inspector 2.12,
 * core/json/schemaLint.ts), restated so a test catches a regression without Node 22 or the
 * network: a `type` array, a schema that constrains nothing (`{}`), a bare boolean where a schema
 * object belongs, and a `$ref` outside the document. `docs/find-and-summary.md` says how to run the
 * Inspector itself.
 */

/** Keywords that hold boolean schemas legitimately (`additionalProperties: false`). */
const BOOLEAN_VALUED = new Set([
  'additionalProperties',
  'unevaluatedProperties',
  'additionalItems',
  'unevaluatedItems',
]);
const SUBSCHEMA = [
  'items',
  'contains',
  'not',
  'propertyNames',
  'if',
  'then',
  'else',
  'additionalProperties',
  'unevaluatedProperties',
  'additionalItems',
  'unevaluatedItems',
  'contentSchema',
];
const SUBSCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAPS = [
  'properties',
  'patternProperties',
  'dependentSchemas',
  'dependencies',
  '$defs',
  'definitions',
];
/** Any of these makes a schema constrain its instance (annotations such as description do not). */
const CONSTRAINING = new Set([
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'dependentRequired',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'items',
  'prefixItems',
  'contains',
  'additionalItems',
  'unevaluatedItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'dependentSchemas',
  'dependencies',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
]);

export interface Finding {
  rule: 'type-union' | 'untyped-schema' | 'boolean-schema' | 'remote-ref';
  path: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function lintSchema(schema: unknown, path: string): Finding[] {
  const findings: Finding[] = [];
  const walk = (node: unknown, at: string, keyword: string | undefined): void => {
    if (typeof node === 'boolean') {
      if (keyword === undefined || !BOOLEAN_VALUED.has(keyword))
        findings.push({ rule: 'boolean-schema', path: at });
      return;
    }
    if (!isRecord(node)) return;
    if (Array.isArray(node.type)) findings.push({ rule: 'type-union', path: at });
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#'))
      findings.push({ rule: 'remote-ref', path: at });
    const constrains =
      Object.keys(node).some((key) => CONSTRAINING.has(key)) ||
      ('if' in node && ('then' in node || 'else' in node));
    if (!constrains && keyword !== 'not') findings.push({ rule: 'untyped-schema', path: at });
    for (const key of SUBSCHEMA_MAPS) {
      const map = node[key];
      if (isRecord(map))
        for (const [name, child] of Object.entries(map)) walk(child, `${at}.${key}.${name}`, key);
    }
    for (const key of SUBSCHEMA_ARRAYS) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      for (const [i, child] of list.entries()) walk(child, `${at}.${key}[${i}]`, key);
    }
    for (const key of SUBSCHEMA) {
      if (!(key in node)) continue;
      const value = node[key];
      if (!Array.isArray(value)) walk(value, `${at}.${key}`, key);
      else for (const [i, child] of value.entries()) walk(child, `${at}.${key}[${i}]`, key);
    }
  };
  walk(schema, path, undefined);
  return findings;
}
