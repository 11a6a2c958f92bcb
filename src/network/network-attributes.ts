import { httpBadRequest, invalidInput } from './network-errors.js';

/**
 * Neutron's request bodies are not JSON-schema checked: each resource has an attribute
 * map (allow_post, allow_put, default, convert_to, validate) and the API layer answers
 * in its own words. This is that layer, with neutron-lib's messages.
 */
export interface AttributeSpec {
  readonly post: boolean;
  readonly put: boolean;
  /** Absent: the attribute is required on create. */
  readonly default?: unknown;
  /** Turns the value into its stored form; throws InvalidInput as neutron-lib converters do. */
  readonly convert?: (value: unknown) => unknown;
  /** Returns the reason the value is invalid, or undefined. */
  readonly validate?: (value: unknown) => string | undefined;
}

export type AttributeMap = Readonly<Record<string, AttributeSpec>>;

/** Python's `%s` of a JSON value, as Neutron's messages print request values. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `'${k}': ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

/** The resource object inside `{"network": {...}}`, refused as Neutron refuses it. */
export function resourceBody(body: unknown, resource: string): Record<string, unknown> {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0))
    throw httpBadRequest('Resource body required');
  const inner = typeof body === 'object' ? (body as Record<string, unknown>)[resource] : undefined;
  if (inner === undefined || inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw httpBadRequest(`Unable to find '${resource}' in request body`);
  return inner as Record<string, unknown>;
}

/** Validates a create body: unknown keys, POST-only attributes, required ones, then values. */
export function parseCreate(attrs: AttributeMap, input: Record<string, unknown>): Record<string, unknown> {
  rejectUnknown(attrs, input);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(attrs)) {
    if (!spec.post) {
      if (name in input) throw httpBadRequest(`Attribute '${name}' not allowed in POST`);
      continue;
    }
    if (name in input) out[name] = input[name];
    else if (!('default' in spec))
      throw httpBadRequest(`Failed to parse request. Required attribute '${name}' not specified`);
  }
  return convertValues(attrs, out);
}

/** Validates an update body: only attributes that allow PUT, then values. */
export function parseUpdate(attrs: AttributeMap, input: Record<string, unknown>): Record<string, unknown> {
  rejectUnknown(attrs, input);
  for (const name of Object.keys(input))
    if (!attrs[name]!.put) throw httpBadRequest(`Cannot update read-only attribute ${name}`);
  return convertValues(attrs, { ...input });
}

/** The value of a create attribute, or its default when the request left it out. */
export function valueOr<T>(attrs: AttributeMap, body: Record<string, unknown>, name: string): T {
  return (name in body ? body[name] : attrs[name]!.default) as T;
}

function rejectUnknown(attrs: AttributeMap, input: Record<string, unknown>): void {
  const extra = Object.keys(input).filter((k) => !(k in attrs));
  if (extra.length > 0) throw httpBadRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`);
}

function convertValues(attrs: AttributeMap, values: Record<string, unknown>): Record<string, unknown> {
  for (const [name, raw] of Object.entries(values)) {
    const spec = attrs[name]!;
    const value = spec.convert ? spec.convert(raw) : raw;
    values[name] = value;
    const reason = spec.validate?.(value);
    if (reason !== undefined) throw httpBadRequest(`Invalid input for ${name}. Reason: ${reason}.`);
  }
  return values;
}

// neutron-lib's converters and validators, with their messages.

export function toBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  throw invalidInput(`'${pyStr(v)}' cannot be converted to boolean`);
}

export function toInt(v: unknown): unknown {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  if (v === null) return v;
  throw invalidInput(`'${pyStr(v)}' is not an integer`);
}

/** None becomes [] (convert_none_to_empty_list). */
export const noneToEmptyList = (v: unknown): unknown => (v === null ? [] : v);
/** None becomes {} (convert_none_to_empty_dict). */
export const noneToEmptyDict = (v: unknown): unknown => (v === null ? {} : v);

export const isString =
  (maxLen: number) =>
  (v: unknown): string | undefined => {
    if (typeof v !== 'string') return `'${pyStr(v)}' is not a valid string`;
    if (v.length > maxLen) return `'${v}' exceeds maximum length of ${maxLen}`;
    return undefined;
  };

export const isStringOrNone = (maxLen: number) => (v: unknown) =>
  v === null ? undefined : isString(maxLen)(v);

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export function isUuid(v: unknown): string | undefined {
  return typeof v === 'string' && uuidPattern.test(v) ? undefined : `'${pyStr(v)}' is not a valid UUID`;
}

export const isOneOf =
  (values: ReadonlyArray<unknown>) =>
  (v: unknown): string | undefined =>
    values.includes(v) ? undefined : `${pyStr(v)} is not in ${pyRepr(values)}`;

export function isDict(v: unknown): string | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? undefined
    : `'${pyStr(v)}' is not a dictionary`;
}

export function isList(v: unknown): string | undefined {
  return Array.isArray(v) ? undefined : `'${pyStr(v)}' is not a list`;
}

export const listOf =
  (item: (v: unknown) => string | undefined) =>
  (v: unknown): string | undefined => {
    const notList = isList(v);
    if (notList !== undefined) return notList;
    const list = v as unknown[];
    for (const x of list) {
      const bad = item(x);
      if (bad !== undefined) return bad;
    }
    const seen = new Set<string>();
    const dups = list.map((x) => JSON.stringify(x)).filter((k) => seen.size === seen.add(k).size);
    return dups.length > 0
      ? `Duplicate items in the list: '${dups.map((d) => pyStr(JSON.parse(d))).join(', ')}'`
      : undefined;
  };
