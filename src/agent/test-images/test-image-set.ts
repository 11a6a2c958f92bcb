import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userCacheDir } from '../../common/user-cache.js';
import { runCommand } from '../host/command.js';
import { buildContainerTestImage } from './container-image.js';
import { buildVmTestImage } from './vm-image.js';

/** The name each test image is registered under, by kind. */
export const testImageNames = { vm: 'strata-test-vm', container: 'strata-test-container' } as const;
export type TestImageKind = keyof typeof testImageNames;

export interface BuiltImage {
  readonly path: string;
  readonly diskFormat: string;
  readonly containerFormat: string;
}

/** One line of `strata test-images --json`. */
export type TestImageLine = { kind: TestImageKind } & (BuiltImage | { error: string });

/** Built once per machine and shared by every data dir (STRATA_TEST_IMAGE_CACHE moves it). */
export function testImageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['STRATA_TEST_IMAGE_CACHE'] || join(userCacheDir(env), 'test-images');
}

/** Builds (or finds in the cache) the test image of each kind. */
export function buildTestImage(kind: TestImageKind, cacheDir: string): Promise<BuiltImage> {
  return kind === 'vm' ? buildVmTestImage({ cacheDir }) : buildContainerTestImage(cacheDir);
}

const strataBin = fileURLToPath(new URL('../../../bin/strata.js', import.meta.url));

/**
 * Builds (or finds) the images in a child `strata test-images --json`: a build reads the
 * kernel, busybox and modules and gzips an initramfs, and memory the calling process once
 * used stays resident in it, while the child gives it all back when it exits.
 */
export async function buildTestImagesApart(kinds: ReadonlyArray<TestImageKind>): Promise<TestImageLine[]> {
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
