import type { TSchema } from 'typebox';

/** A JSON Schema node as fast-json-stringify reads it. */
type Node = { [keyword: string]: unknown };

/**
 * The response schema rewritten for the serializer, or undefined where it describes no body
 * (`noBody`). What it names and what it lets through stay the same:
 * - an object that does not say `additionalProperties` allows any (JSON Schema's default,
 *   which the strict checker follows); fast-json-stringify would drop them, so it is told;
 * - a union of scalars (`nullable(str)`, string literals) becomes a type list, which the
 *   serializer tests with `typeof` instead of validating each branch;
 * - a union branch that is `undefined` (a route that sometimes sends no body) is left out.
 */
export function serializerSchema(schema: TSchema): object | undefined {
  // A JSON copy: TypeBox's own markers are not JSON Schema keywords.
  return rewrite(JSON.parse(JSON.stringify(schema)) as Node);
}

function rewrite(node: Node): Node | undefined {
  if (node['type'] === 'undefined') return undefined;
  if (Array.isArray(node['anyOf'])) return rewriteUnion(node, node['anyOf'] as Node[]);
  const out: Node = { ...node };
  if (node['type'] === 'object') rewriteObject(out);
  if (isNode(node['items'])) out['items'] = rewrite(node['items']) ?? {};
  return out;
}

function rewriteObject(out: Node): void {
  if (out['additionalProperties'] === undefined) out['additionalProperties'] = true;
  else if (isNode(out['additionalProperties'])) out['additionalProperties'] = rewrite(out['additionalProperties']);
  for (const key of ['properties', 'patternProperties'] as const) {
    const map = out[key];
    if (!isNode(map)) continue;
    out[key] = Object.fromEntries(
      Object.entries(map).map(([name, sub]) => [name, isNode(sub) ? (rewrite(sub) ?? {}) : sub]),
    );
  }
}

function rewriteUnion(node: Node, branches: ReadonlyArray<Node>): Node | undefined {
  const kept = branches.map(rewrite).filter((b): b is Node => b !== undefined);
  const { anyOf: _branches, ...siblings } = node;
  if (kept.length === 0) return undefined;
  if (kept.length === 1) return { ...siblings, ...kept[0] };
  if (kept.every(isScalar)) {
    const types = [...new Set(kept.map((b) => b['type'] as string))];
    return { ...siblings, type: types.length === 1 ? types[0] : types };
  }
  return { ...siblings, anyOf: kept };
}

const scalarTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** A scalar serializes by its type alone (a literal's value or a string's pattern does not matter). */
function isScalar(b: Node): boolean {
  return typeof b['type'] === 'string' && scalarTypes.has(b['type']) && b['format'] === undefined;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
