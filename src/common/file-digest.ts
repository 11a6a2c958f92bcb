import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const chunkBytes = 1024 * 1024;

/**
 * Size and hex digests of a file, read through one reused buffer. A read stream would
 * allocate a fresh chunk per read, and the freed chunks of a large image stay in the
 * process's resident memory long after the hashing is done.
 */
export async function digestFile<A extends string>(
  path: string,
  algorithms: ReadonlyArray<A>,
): Promise<{ size: number; digests: Record<A, string> }> {
  const hashes = algorithms.map((a) => createHash(a));
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const fh = await open(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, chunkBytes, size);
      if (bytesRead === 0) break;
      for (const h of hashes) h.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await fh.close();
  }
  const digests = Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')]));
  return { size, digests: digests as Record<A, string> };
}
