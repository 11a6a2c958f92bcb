import { Format } from 'typebox/format';

/**
 * Nova's `name` format (nova/api/validation/parameter_types.py): every character printable
 * (no Unicode "other" category such as NUL, BEL or ESC, no line or paragraph separator),
 * and neither end a space.
 */
const printableName = /^(?:[^\p{C}\p{Z}](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\p{Z}])?)?$/u;

export const nameFormat = 'nova-name';

/** The message Nova's InvalidName carries for the format. */
export const nameFormatMessage =
  "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

export function isPrintableName(value: string): boolean {
  return printableName.test(value);
}

Format.Set(nameFormat, isPrintableName);
