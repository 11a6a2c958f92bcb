import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCommand } from '../host/command.js';

/** A host kernel whose modules can go into a guest initramfs. */
export interface HostKernel {
  readonly release: string;
  readonly kernelPath: string;
  readonly modulesDir: string;
}

export interface KernelModule {
  readonly name: string;
  /** Uncompressed .ko contents (busybox insmod does not decompress reliably). */
  readonly data: Buffer;
}

/** The newest /boot/vmlinuz-<release> that has a matching /lib/modules/<release>/modules.dep. */
export async function findHostKernel(
  bootDir = '/boot',
  modulesRoot = '/lib/modules',
): Promise<HostKernel | undefined> {
  const names = await readdir(bootDir).catch(() => [] as string[]);
  const releases = names
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((r) => existsSync(join(modulesRoot, r, 'modules.dep')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const release = releases.at(-1);
  if (release === undefined) return undefined;
  return { release, kernelPath: join(bootDir, `vmlinuz-${release}`), modulesDir: join(modulesRoot, release) };
}

/**
 * The modules to insmod, dependencies first, for `wanted` (names like "virtio_blk").
 * Modules built into the kernel are skipped; an unknown module is an error.
 */
export async function resolveModules(modulesDir: string, wanted: ReadonlyArray<string>): Promise<string[]> {
  const deps = parseModulesDep(await readFile(join(modulesDir, 'modules.dep'), 'utf8'));
  const builtin = await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  const builtinNames = new Set(builtin.split('\n').map(moduleName));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const entry = deps.get(name);
    if (entry === undefined) {
      if (builtinNames.has(name)) return;
      throw new Error(`kernel module ${name} not found in ${modulesDir}`);
    }
    // modules.dep lists indirect dependencies too; the deepest must load first.
    for (const dep of [...entry.deps].reverse()) visit(moduleName(dep));
    order.push(entry.path);
  };
  for (const w of wanted) visit(w.replaceAll('-', '_'));
  return order;
}

/** Reads the modules (paths relative to `modulesDir`), decompressing .xz/.zst/.gz ones. */
export async function readModules(modulesDir: string, paths: ReadonlyArray<string>): Promise<KernelModule[]> {
  return Promise.all(
    paths.map(async (p) => ({ name: moduleName(p), data: await readModule(join(modulesDir, p)) })),
  );
}

export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const map = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const [path, rest] = line.split(':');
    if (!path || rest === undefined) continue;
    map.set(moduleName(path), { path, deps: rest.trim().split(/\s+/).filter(Boolean) });
  }
  return map;
}

/** "kernel/drivers/block/virtio_blk.ko.xz" -> "virtio_blk" (the kernel treats - and _ alike). */
export function moduleName(path: string): string {
  return basename(path.trim())
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replaceAll('-', '_');
}

async function readModule(path: string): Promise<Buffer> {
  if (path.endsWith('.ko')) return readFile(path);
  if (path.endsWith('.gz')) return gunzipSync(await readFile(path));
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : undefined;
  if (tool === undefined) throw new Error(`unsupported kernel module file ${path}`);
  // Binary output through the runner's utf8 decoding would corrupt it; use base64.
  const { stdout } = await runCommand('sh', ['-c', `${tool} -dc -- "$1" | base64 -w0`, 'sh', path]);
  return Buffer.from(stdout, 'base64');
}
