import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { InputError } from '../errors.js';
import { nameFormatMessages } from './name-format.js';

interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message: string;
}

export type Validator = (value: unknown, where: 'body' | 'query') => unknown;

/**
 * Compiles a TypeBox schema into a function that returns the value or throws a 400
 * naming the first bad field, worded like Python's jsonschema (which OpenStack uses).
 */
export function compileValidator(schema: TSchema): Validator {
  const compiled = Compile(schema);
  return (value, where) => {
    if (compiled.Check(value)) return value;
    const errors = [...compiled.Errors(value)] as SchemaError[];
    const first = pickMostSpecific(errors);
    throw new InputError(`common.validation.${where}`, describe(first, value));
  };
}

// TypeBox reports `additionalProperties: false` twice; the keyword error is the readable one.
function pickMostSpecific(errors: SchemaError[]): SchemaError {
  const useful = errors.filter((e) => e.keyword !== 'boolean');
  return useful[0] ?? errors[0] ?? { keyword: 'unknown', instancePath: '', params: {}, message: 'invalid' };
}

function describe(e: SchemaError, root: unknown): string {
  // Nova answers a bad name with its InvalidName message alone, as its format checker raises it.
  const nameMessage = e.keyword === 'format' ? nameFormatMessages[String(e.params['format'])] : undefined;
  if (nameMessage !== undefined) return nameMessage;
  const path = e.instancePath.replace(/^\//, '');
  const value = valueAt(root, e.instancePath);
  const text = jsonschemaText(e, value);
  return path === '' ? text : `Invalid input for field '${path}': ${text}`;
}

/** jsonschema's words for fields a schema does not allow (Nova and Keystone answer with them). */
export function unexpectedFieldsText(extra: ReadonlyArray<string>): string {
  const list = extra.map((k) => `'${k}'`).join(', ');
  return `Additional properties are not allowed (${list} ${extra.length === 1 ? 'was' : 'were'} unexpected)`;
}

function jsonschemaText(e: SchemaError, value: unknown): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `'${String((p['requiredProperties'] as string[] | undefined)?.[0] ?? '')}' is a required property`;
    case 'additionalProperties':
      return unexpectedFieldsText((p['additionalProperties'] as string[] | undefined) ?? []);
    case 'type':
      return `${pyRepr(value)} is not of type '${pyType(String(p['type']))}'`;
    case 'minLength':
      return `${pyRepr(value)} is too short`;
    case 'maxLength':
      return `${pyRepr(value)} is too long`;
    case 'enum':
    case 'const':
    case 'anyOf':
      return `${pyRepr(value)} is not valid under any of the given schemas`;
    case 'pattern':
      return `${pyRepr(value)} does not match '${String(p['pattern'])}'`;
    case 'format':
      return `${pyRepr(value)} is not a '${String(p['format'])}'`;
    case 'minimum':
      return `${pyRepr(value)} is less than the minimum of ${String(p['limit'] ?? p['minimum'])}`;
    case 'maximum':
      return `${pyRepr(value)} is greater than the maximum of ${String(p['limit'] ?? p['maximum'])}`;
    default:
      return e.message;
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function pyType(t: string): string {
  return (
    {
      integer: 'integer',
      number: 'number',
      string: 'string',
      boolean: 'boolean',
      object: 'object',
      array: 'array',
      null: 'null',
    }[t] ?? t
  );
}

function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  return jsonOrPlaceholder(v);
}

// JSON.stringify recurses once per level: a value deeper than the stack (a body that did not
// come through the JSON parser's depth limit) must not turn a 400 into a 500.
function jsonOrPlaceholder(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return Array.isArray(v) ? '[...]' : '{...}';
  }
}
