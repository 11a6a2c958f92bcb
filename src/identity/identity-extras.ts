/** Unknown attributes Keystone keeps on a resource and returns as if they were fields. */
export function extrasOf(
  body: Readonly<Record<string, unknown>>,
  known: ReadonlyArray<string>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([k]) => !known.includes(k) && k !== 'id' && k !== 'links'),
  );
}
