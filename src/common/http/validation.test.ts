import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { compileValidator } from './validation.js';

const schema = Type.Object({
  project: Type.Object(
    { name: Type.String({ minLength: 1 }), enabled: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
});

describe('validation', () => {
  const v = compileValidator(schema);
  const message = (value: unknown) => {
    try {
      v(value, 'body');
    } catch (err) {
      return (err as Error).message;
    }
    return 'valid';
  };
  it('passes valid input through', () => expect(message({ project: { name: 'a' } })).toBe('valid'));
  it('names a field of the wrong type', () =>
    expect(message({ project: { name: 5 } })).toBe(
      "Invalid input for field 'project/name': 5 is not of type 'string'",
    ));
  it('names unexpected fields', () =>
    expect(message({ project: { name: 'a', foo: 1 } })).toBe(
      "Invalid input for field 'project': Additional properties are not allowed ('foo' was unexpected)",
    ));
  it('names a missing property', () => expect(message({})).toBe("'project' is a required property"));
  it('answers with status 400', () =>
    expect(() => v({}, 'body')).toThrow(expect.objectContaining({ status: 400 })));
});

describe('validation error wording of hostile values', () => {
  it('names a value too deep to print without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const validate = compileValidator(Type.Object({ auth: Type.Object({}) }));
    expect(() => validate(deep, 'body')).toThrow(
      expect.objectContaining({ status: 400, message: "[...] is not of type 'object'" }),
    );
  });
});
