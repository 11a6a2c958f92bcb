import { Compile } from 'typebox/compile';
import { InputError } from '../../common/errors.js';
import { imageSchema } from './image-schemas.js';

interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly params: Readonly<Record<string, unknown>>;
}

const compiled = Compile(imageSchema);

/**
 * Checks an image body (or part of one) against the image schema. A failure is a 400
 * worded as Glance words it: "Provided object does not match schema 'image': ..." with
 * jsonschema's reason, naming the field.
 */
export function validateImageFields(value: Readonly<Record<string, unknown>>): void {
  if (compiled.Check(value)) return;
  const errors = [...compiled.Errors(value)] as SchemaError[];
  const first = errors.find((e) => e.keyword !== 'additionalProperties') ?? errors[0];
  const reason = first ? describe(first, value) : 'invalid';
  throw new InputError('image.image.schema', `Provided object does not match schema 'image': ${reason}`);
}

function describe(e: SchemaError, root: unknown): string {
  const parts = e.instancePath.split('/').slice(1);
  const value = parts.reduce<unknown>((cur, p) => (cur as Record<string, unknown> | undefined)?.[p], root);
  const field = parts[0] ?? '';
  const where = schemaWhere(e, field, parts.length > 1);
  const instance = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`)).join('');
  return `${jsonschemaReason(e, value)}\n\nFailed validating '${e.keyword}' in ${where}\n\nOn instance${instance}:\n    ${pyRepr(value)}`;
}

function schemaWhere(e: SchemaError, field: string, isItem: boolean): string {
  if (e.schemaPath.includes('additionalProperties')) return "schema['additionalProperties']";
  return `schema['properties']['${field}']${isItem ? "['items']" : ''}`;
}

/** jsonschema's messages, so clients see what Glance would print. */
function jsonschemaReason(e: SchemaError, value: unknown): string {
  const p = e.params;
  switch (e.keyword) {
    case 'enum':
      return `${pyRepr(value)} is not one of ${pyRepr(p['allowedValues'])}`;
    case 'type': {
      const types = Array.isArray(p['type']) ? (p['type'] as string[]) : [String(p['type'])];
      return `${pyRepr(value)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`;
    }
    case 'maxLength':
      return `${pyRepr(value)} is too long`;
    case 'pattern':
      return `${pyRepr(value)} does not match '${String(p['pattern'])}'`;
    default:
      return `${pyRepr(value)} is not valid`;
  }
}

/** Python's repr, as jsonschema prints values. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string')
    return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}
