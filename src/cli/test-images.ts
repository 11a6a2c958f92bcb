import { InvalidArgumentError } from 'commander';
import type { TestImageKind, TestImageLine } from '../agent/test-images/test-image-set.js';
import { buildTestImage, testImageNames } from '../agent/test-images/test-image-set.js';

/** Parses `--kind vm,container`. */
export function testImageKinds(value: string): TestImageKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!(k in testImageNames)) throw new InvalidArgumentError(`unknown kind ${k} (vm or container)`);
  return kinds as TestImageKind[];
}

/** `strata test-images --json`: builds each kind, one JSON line per kind, the reason when it cannot. */
export async function printTestImagesJson(
  kinds: ReadonlyArray<TestImageKind>,
  cacheDir: string,
): Promise<void> {
  for (const kind of kinds) {
    const line: TestImageLine = await buildTestImage(kind, cacheDir).then(
      (b) => ({ kind, path: b.path, diskFormat: b.diskFormat, containerFormat: b.containerFormat }),
      (err: unknown) => ({ kind, error: err instanceof Error ? err.message : String(err) }),
    );
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
