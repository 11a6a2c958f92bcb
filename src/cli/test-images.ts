import { userCacheDir } from '../common/user-cache.js';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import type { WorkloadKind } from '../agent/drivers/driver.js';
import { runCommand } from '../agent/host/command.js';
import { buildContainerTestImage } from '../agent/test-images/container-image.js';
import { buildVmTestImage } from '../agent/test-images/vm-image.js';
import type { Cloud } from '../main.js';

export const testImageNames = { vm: 'strata-test-vm', container: 'strata-test-container' } as const;
export type TestImageKind = keyof typeof testImageNames;

/** Parses `--kind vm,container`. */
export function testImageKinds(value: string): TestImageKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!(k in testImageNames)) throw new InvalidArgumentError(`unknown kind ${k} (vm or container)`);
  return kinds as TestImageKind[];
}

interface BuiltImage {
  readonly path: string;
  readonly diskFormat: string;
  readonly containerFormat: string;
}

/** Built once per machine and shared by every data dir (STRATA_TEST_IMAGE_CACHE moves it). */
export function testImageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['STRATA_TEST_IMAGE_CACHE'] || join(userCacheDir(env), 'test-images');
}

/** Builds (or finds in the cache) the test image of each kind. */
export function buildTestImage(kind: TestImageKind, cacheDir: string): Promise<BuiltImage> {
  return kind === 'vm' ? buildVmTestImage({ cacheDir }) : buildContainerTestImage(cacheDir);
}

/** One line of `strata test-images --json`. */
export type TestImageLine = { kind: TestImageKind } & (BuiltImage | { error: string });

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

const strataBin = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

/**
 * Builds (or finds) the images in a child `strata test-images`: a build reads the kernel,
 * busybox and modules and gzips an initramfs, and memory the cloud's process once used
 * stays resident in it, while the child gives it all back when it exits.
 */
async function buildApart(kinds: ReadonlyArray<TestImageKind>): Promise<TestImageLine[]> {
  const { stdout } = await runCommand(
    process.execPath,
    [strataBin, 'test-images', '--json', '--kind', kinds.join(',')],
    { timeoutMs: 600_000 },
  );
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TestImageLine);
}

/**
 * Registers the bootable test images for the workload kinds the local host runs, once per
 * cloud: `strata-test-vm` (qcow2, Debian's cloud kernel and a busybox initramfs) and
 * `strata-test-container` (a busybox `docker save` tarball). One that cannot be built here
 * is skipped with the reason in the log.
 */
export async function registerTestImages(
  cloud: Cloud,
  adminProjectId: string,
  kinds: ReadonlyArray<WorkloadKind>,
): Promise<void> {
  const missing: TestImageKind[] = [];
  for (const kind of (['vm', 'container'] as const).filter((k) => kinds.includes(k))) {
    const existing = await cloud.store.db
      .selectFrom('images')
      .select('id')
      .where('name', '=', testImageNames[kind])
      .where('status', '!=', 'deleted')
      .executeTakeFirst();
    if (existing === undefined) missing.push(kind);
  }
  if (missing.length === 0) return;
  const lines = await buildApart(missing).catch((err: unknown) => {
    cloud.log.warn({ err, kinds: missing }, 'test images not built: strata test-images failed');
    return [];
  });
  for (const built of lines) {
    const name = testImageNames[built.kind];
    if ('error' in built) {
      cloud.log.warn(
        { reason: built.error, image: name },
        'test image not built: the tools it needs are missing',
      );
      continue;
    }
    const image = await cloud.images.createImage(
      { projectId: adminProjectId },
      {
        name,
        diskFormat: built.diskFormat,
        containerFormat: built.containerFormat,
        visibility: 'public',
        properties: { strata_test_image: built.kind },
      },
    );
    // Copied by the kernel rather than streamed: start-up keeps no image-sized garbage resident.
    await cloud.images.uploadImageData(image.id, { localPath: built.path });
  }
}
