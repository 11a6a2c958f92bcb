import Type from 'typebox';
import type { TSchema } from 'typebox';

/** Keystone's shared parameter types, so every resource validates names and ids alike. */
export const nameString = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '[\\S]+',
  description: 'Human-readable name.',
});
/** Keystone's resource schema caps project and domain names at 64 characters. */
export const projectNameString = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '[\\S]+',
  description: 'Human-readable name of a project or domain.',
});
export const idString = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-zA-Z0-9-]+$',
  description: 'Resource id.',
});
export const descriptionString = Type.String({ description: 'Free-form description.' });
export const enabledFlag = Type.Boolean({ description: 'Whether the resource is enabled.' });

export function nullable<T extends TSchema>(t: T) {
  return Type.Union([t, Type.Null()]);
}

/** `{"<key>": {...}}` wrapper; Keystone validates the inner object only. */
export function wrapped<K extends string, T extends TSchema>(key: K, inner: T) {
  return Type.Object({ [key]: inner } as { [P in K]: T }, {
    description: `Request body with a '${key}' object.`,
  });
}

/** Query flags arrive as strings; Keystone reads 'true'/'1'/'yes' as true. */
export function queryFlag(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  return ['true', '1', 'yes', 'on', ''].includes(String(v).toLowerCase());
}
