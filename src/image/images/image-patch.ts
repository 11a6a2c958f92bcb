import { ConflictError, ForbiddenError, InputError, UnsupportedMediaTypeError } from '../../common/errors.js';
import { validateImageFields } from './image-validation.js';

/**
 * Glance's PATCH media types: draft 10 (`{"op": "add", "path": "/x", "value": ...}`) and
 * the older draft 4 (`{"add": "/x", "value": ...}`).
 */
export const patchMediaTypes: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};

const operations = ['add', 'remove', 'replace'] as const;
export type PatchOperation = (typeof operations)[number];

/** One decoded change: `name` is the single path segment (Glance allows no deeper paths). */
export interface ImageChange {
  readonly op: PatchOperation;
  readonly name: string;
  readonly value?: unknown;
  readonly draft: 4 | 10;
}

const readOnly = new Set([
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
  'os_hash_algo',
  'os_hash_value',
]);
const reserved = new Set(['location', 'deleted', 'deleted_at']);
const reservedPrefix = 'os_glance';

/** Turns a PATCH body into changes, refusing them as Glance's request deserializer does. */
export function parseImagePatch(contentType: string | undefined, body: unknown): ImageChange[] {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const draft = patchMediaTypes[mediaType];
  if (draft === undefined) {
    throw new UnsupportedMediaTypeError(
      'image.patch.media_type',
      `The request media type ${mediaType || 'None'} is not supported by this server.`,
      { 'accept-patch': Object.keys(patchMediaTypes).sort().join(', ') },
    );
  }
  if (!Array.isArray(body)) throw bad('Request body must be a JSON array of operation objects.');
  return body.map((raw: unknown) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw bad('Operations must be JSON objects.');
    return parseChange(raw as Record<string, unknown>, draft);
  });
}

function parseChange(raw: Record<string, unknown>, draft: 4 | 10): ImageChange {
  const op = draft === 10 ? operationD10(raw) : operationD4(raw);
  const pointer = draft === 10 ? raw['path'] : raw[op];
  if (draft === 10 && pointer === undefined) throw bad("Unable to find 'path' in JSON Schema change");
  const path = decodePointer(String(pointer));
  const name = path[0]!;
  if (path.length !== 1) throw bad(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
  if (op !== 'remove' && !('value' in raw)) throw bad(`Operation "${op}" requires a member named "value".`);
  checkWritable(name);
  if (name === 'locations') {
    throw new ForbiddenError(
      'image.patch.locations',
      `It's not allowed to ${op === 'remove' ? 'remove' : op === 'add' ? 'add' : 'update'} locations if locations are invisible.`,
    );
  }
  if (op !== 'remove') validateImageFields({ [name]: raw['value'] });
  return op === 'remove' ? { op, name, draft } : { op, name, value: raw['value'], draft };
}

function operationD10(raw: Record<string, unknown>): PatchOperation {
  const op = raw['op'];
  const available = operations.join(', ');
  if (op === undefined)
    throw bad(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`);
  if (!operations.includes(op as PatchOperation))
    throw bad(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${available}.`);
  return op as PatchOperation;
}

function operationD4(raw: Record<string, unknown>): PatchOperation {
  const present = operations.filter((o) => o in raw);
  if (present.length > 1)
    throw bad('Operation objects must contain only one member named "add", "remove", or "replace".');
  if (present.length === 0)
    throw bad('Operation objects must contain exactly one member named "add", "remove", or "replace".');
  return present[0]!;
}

/** Glance accepts a narrow JSON pointer: leading '/', no empty segments, only ~0 and ~1 escapes. */
function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw bad(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw bad(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw bad(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') throw bad(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~'))
    throw bad(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  return pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

/** Read-only and reserved names are refused with 403, as Glance does before anything else. */
export function checkWritable(name: string): void {
  if (readOnly.has(name))
    throw new ForbiddenError('image.image.read_only', `Attribute '${name}' is read-only.`);
  if (reserved.has(name) || name.startsWith(reservedPrefix))
    throw new ForbiddenError('image.image.reserved', `Attribute '${name}' is reserved.`);
}

/** The attributes a PATCH may set that are columns rather than extra properties. */
export interface ImageFields {
  readonly name: string | null;
  readonly visibility: string;
  readonly protected: boolean;
  readonly os_hidden: boolean;
  readonly min_disk: number;
  readonly min_ram: number;
  readonly owner: string | null;
  readonly disk_format: string | null;
  readonly container_format: string | null;
  readonly tags: ReadonlyArray<string>;
}

export const coreFields: ReadonlyArray<keyof ImageFields> = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'min_disk',
  'min_ram',
  'owner',
  'disk_format',
  'container_format',
  'tags',
];

export interface PatchTarget {
  readonly fields: ImageFields;
  readonly properties: Readonly<Record<string, string>>;
}

/** Applies changes in order to copies (all or nothing), with Glance's add/replace/remove rules. */
export function applyImagePatch(target: PatchTarget, changes: ReadonlyArray<ImageChange>): PatchTarget {
  const fields: Record<string, unknown> = { ...target.fields };
  const properties: Record<string, string> = { ...target.properties };
  for (const c of changes) {
    const isCore = (coreFields as ReadonlyArray<string>).includes(c.name);
    const isProperty = Object.hasOwn(properties, c.name);
    if (c.op === 'remove') {
      if (isCore)
        throw new ForbiddenError('image.patch.core_remove', `Property ${c.name} may not be removed.`);
      if (!isProperty) throw missing(c.name);
      delete properties[c.name];
    } else if (c.op === 'add' && c.draft === 4 && (isCore || isProperty)) {
      throw new ConflictError('image.patch.present', `Property ${c.name} already present.`);
    } else if (c.op === 'replace' && !isCore && !isProperty) {
      throw missing(c.name);
    } else if (isCore) {
      fields[c.name] = c.name === 'tags' ? [...new Set(c.value as string[])] : c.value;
    } else {
      properties[c.name] = c.value as string;
    }
  }
  return { fields: fields as unknown as ImageFields, properties };
}

function missing(name: string): ConflictError {
  return new ConflictError('image.patch.missing', `Property ${name} does not exist.`);
}

function bad(message: string): InputError {
  return new InputError('image.patch.bad', message);
}
