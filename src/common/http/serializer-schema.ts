import type { TSchema } from 'typebox';

/** A JSON Schema node as fast-json-stringify reads it. */
type Node = { [keyword: string]: unknown };

/**
 * The response schema rewritten for the serializer, or undefined where it describes no body
 * (`noBody`). What it names and what it lets through stay the same:
 * - an object that does not say `additionalProperties` allows any (JSON Schema's default,
 *   which the strict checker follows); fast-json-stringify would drop them, so it is told;
 * - a union of scalars and at most one object or array (`nullable(str)`, string literals,
 *   `'' | {id, links}`) becomes a type list, which the serializer tells apart with `typeof`
 *   instead of validating the value against each branch in turn;
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
  else if (isNode(out['additionalProperties']))
    out['additionalProperties'] = rewrite(out['additionalProperties']);
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
  const others = kept.filter((b) => !isScalar(b));
  const container = others[0];
  if (others.length > 1 || (container !== undefined && !isContainer(container)))
    return { ...siblings, anyOf: kept };
  // Scalars and at most one object or array: the serializer picks among them by `typeof`.
  const types = [...new Set(kept.flatMap(typesOf))];
  return { ...siblings, ...container, type: types.length === 1 ? types[0] : types };
}

const scalarTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);

const typesOf = (b: Node): string[] =>
  Array.isArray(b['type']) ? (b['type'] as string[]) : typeof b['type'] === 'string' ? [b['type']] : [];

/** A scalar serializes by its type alone (a literal's value or a string's pattern does not matter). */
function isScalar(b: Node): boolean {
  const types = typesOf(b);
  return types.length > 0 && types.every((t) => scalarTypes.has(t)) && b['format'] === undefined;
}

function isContainer(b: Node): boolean {
  return (b['type'] === 'object' || b['type'] === 'array') && b['anyOf'] === undefined;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
