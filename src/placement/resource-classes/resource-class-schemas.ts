import Type from 'typebox';

/** A custom resource class name: Placement's `^CUSTOM_[A-Z0-9_]+$`. */
export const customClassName = Type.String({
  pattern: '^CUSTOM_[A-Z0-9_]+$',
  maxLength: 255,
  description: 'Custom resource class name, prefixed CUSTOM_.',
});

export const resourceClassBody = Type.Object(
  { name: customClassName },
  { additionalProperties: false, description: 'A custom resource class to create or rename to.' },
);
