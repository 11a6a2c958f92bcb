import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HostCommandError, runCommand } from '../../host/command.js';
import type { BaseDiskFormat } from './qemu-workload.js';

export const GiB = 1024 ** 3;

export interface ImageInfo {
  readonly format: string;
  readonly virtualSize: number;
  readonly backingFilename?: string;
  readonly dataFile?: string;
}

export interface BaseImage {
  readonly path: string;
  readonly format: BaseDiskFormat;
  readonly virtualSize: number;
}

/** The formats this driver boots; Glance's others (vmdk, vhd, iso, ...) are refused by name. */
export function checkDiskFormat(format: string | null): BaseDiskFormat {
  if (format === 'qcow2' || format === 'raw') return format;
  throw new Error(`qemu driver: unsupported disk format ${JSON.stringify(format)} (supported: qcow2, raw)`);
}

/** qemu-img info; errors carry qemu-img's own message. `forceShare` reads images QEMU has open. */
export async function imageInfo(path: string, format?: string, forceShare = false): Promise<ImageInfo> {
  const args = [
    'info',
    '--output=json',
    ...(forceShare ? ['-U'] : []),
    ...(format ? ['-f', format] : []),
    path,
  ];
  const { stdout } = await qemuImg(args);
  const j = JSON.parse(stdout) as Record<string, unknown>;
  const specific = j['format-specific'] as { data?: Record<string, unknown> } | undefined;
  const dataFile = specific?.data?.['data-file'];
  return {
    format: String(j['format']),
    virtualSize: Number(j['virtual-size']),
    ...(typeof j['backing-filename'] === 'string' && { backingFilename: j['backing-filename'] }),
    ...(typeof dataFile === 'string' && { dataFile }),
  };
}

const preparing = new Map<string, Promise<BaseImage>>();

/**
 * The image, validated and copied once into `cacheDir` (keyed by image id, size and mtime,
 * as Glance image data never changes in place). The copy is written under a temporary
 * name and renamed, so concurrent creates never see half a base image.
 */
export function prepareBaseImage(
  cacheDir: string,
  image: { readonly id: string; readonly path: string; readonly diskFormat: BaseDiskFormat },
  signal?: AbortSignal,
): Promise<BaseImage> {
  const key = `${image.id}|${image.path}|${image.diskFormat}`;
  const pending = preparing.get(key) ?? prepare(cacheDir, image, signal).finally(() => preparing.delete(key));
  preparing.set(key, pending);
  return pending;
}

async function prepare(
  cacheDir: string,
  image: { readonly id: string; readonly path: string; readonly diskFormat: BaseDiskFormat },
  signal?: AbortSignal,
): Promise<BaseImage> {
  const target = await basePathOf(cacheDir, image);
  const dir = join(cacheDir, 'qemu-base');
  if (!(await exists(target))) {
    const info = await imageInfo(image.path, image.diskFormat).catch((err: unknown) => {
      throw new Error(`qemu driver: image ${image.id} is unreadable: ${reason(err)}`);
    });
    // A backing or data file in an uploaded image would make QEMU read host files.
    if (info.backingFilename !== undefined || info.dataFile !== undefined)
      throw new Error(`qemu driver: image ${image.id} refers to another file; refusing it`);
    // qemu-img reads past a truncated qcow2 as zeros; only a check notices.
    if (image.diskFormat === 'qcow2')
      await checkImage(image.path).catch((err: unknown) => {
        throw new Error(`qemu driver: image ${image.id} is corrupt: ${reason(err)}`);
      });
    await mkdir(dir, { recursive: true });
    const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await convertImage(image.path, image.diskFormat, tmp, image.diskFormat, { signal });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new Error(`qemu driver: image ${image.id} could not be prepared: ${reason(err)}`);
    }
  }
  return {
    path: target,
    format: image.diskFormat,
    virtualSize: (await imageInfo(target, image.diskFormat)).virtualSize,
  };
}

/** Where the base of `image` is (or will be) cached. */
export async function basePathOf(
  cacheDir: string,
  image: { readonly id: string; readonly path: string; readonly diskFormat: BaseDiskFormat },
): Promise<string> {
  const st = await stat(image.path).catch(() => {
    throw new Error(`qemu driver: image ${image.id}: file ${image.path} not found`);
  });
  const digest = createHash('sha256')
    .update(`${image.id}:${st.size}:${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, 'qemu-base', `${safeName(image.id)}-${digest}.${image.diskFormat}`);
}

/** qemu-img check: corruption fails (exit 2); leaked clusters alone (exit 3) are harmless. */
export async function checkImage(path: string): Promise<void> {
  try {
    await qemuImg(['check', '--output=json', '-f', 'qcow2', path]);
  } catch (err) {
    if (err instanceof HostCommandError && err.exitCode === 3) return;
    throw err;
  }
}

/**
 * A qcow2 overlay on `base`, `sizeBytes` large, or as large as the base for a flavor with no
 * root disk (0). A base larger than the flavor's disk is refused, as Nova's libvirt driver does.
 */
export async function createOverlay(base: BaseImage, overlay: string, sizeBytes: number): Promise<void> {
  if (sizeBytes > 0 && base.virtualSize > sizeBytes)
    throw new Error(
      `Flavor's disk is too small for requested image. Flavor disk is ${sizeBytes} bytes, image is ${base.virtualSize} bytes.`,
    );
  const size = Math.max(sizeBytes, base.virtualSize);
  await qemuImg(['create', '-q', '-f', 'qcow2', '-F', base.format, '-b', base.path, overlay, String(size)]);
}

/** Grows a qcow2 image (never shrinks: guests do not expect a smaller disk). */
export async function growImage(path: string, sizeBytes: number): Promise<void> {
  const info = await imageInfo(path, 'qcow2');
  if (sizeBytes > info.virtualSize) await qemuImg(['resize', '-q', '-f', 'qcow2', path, String(sizeBytes)]);
}

export async function convertImage(
  src: string,
  srcFormat: string,
  dest: string,
  destFormat: BaseDiskFormat,
  opts: { readonly forceShare?: boolean; readonly signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const share = opts.forceShare ? ['-U'] : [];
  await qemuImg(
    ['convert', '-q', ...share, '-f', srcFormat, '-O', destFormat, src, dest],
    opts.signal,
    3_600_000,
  );
}

function qemuImg(args: string[], signal?: AbortSignal, timeoutMs = 120_000) {
  return runCommand('qemu-img', args, { timeoutMs, ...(signal && { signal }) });
}

/** qemu-img's own words, without our command line around them. */
function reason(err: unknown): string {
  if (!(err instanceof HostCommandError)) return err instanceof Error ? err.message : String(err);
  const lines = err.stderr
    .trim()
    .split('\n')
    .map((l) => l.replace(/^qemu-img: /, ''));
  if (lines[0] === '') return err.message;
  // A damaged image can yield thousands of lines; the first says enough.
  return lines.length > 3
    ? `${lines.slice(0, 3).join('; ')} (and ${lines.length - 3} more)`
    : lines.join('; ');
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
