import { Type } from 'typebox';

/** Cinder's metadata keys and values: 1-255 and up to 255 characters. */
export const resourceMetadata = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
  { description: 'Key/value pairs about the resource.' },
);
