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

/** Nova's `az_name` format: a printable name without ':' (zone names are `zone:host` in requests). */
export const azNameFormat = 'nova-az-name';

/** Nova's `name_with_leading_trailing_spaces`: printable, at least one character that is not a space. */
export const spacedNameFormat = 'nova-name-spaced';

const printableSpaced = /^[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\p{Z}][^\p{C}\p{Zl}\p{Zp}]*$/u;

/** The InvalidName message for each of Nova's name formats (the format checker raises it alone). */
export const nameFormatMessages: Readonly<Record<string, string>> = {
  [nameFormat]: nameFormatMessage,
  [azNameFormat]:
    "An invalid 'name' value was provided. The name must be: printable characters except :.Can not start or end with whitespace.",
  [spacedNameFormat]:
    "An invalid 'name' value was provided. The name must be: printable characters with at least one non space character",
};

Format.Set(azNameFormat, (v) => isPrintableName(v) && !v.includes(':'));
Format.Set(spacedNameFormat, (v) => printableSpaced.test(v));
