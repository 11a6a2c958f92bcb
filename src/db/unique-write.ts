import type { DialectTraits } from './dialects.js';

/** Runs a write; a unique-constraint violation becomes the given (409) error instead. */
export async function uniqueWrite<T>(
  traits: DialectTraits,
  write: () => Promise<T>,
  onDuplicate: () => Error,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (traits.isUniqueViolation(err)) throw onDuplicate();
    throw err;
  }
}
