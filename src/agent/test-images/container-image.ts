import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { runCommand } from '../host/command.js';
import type { MemoryEntry } from '../drivers/runc/tar-writer.js';
import { encodeArchive, entryHeader } from '../drivers/runc/tar-writer.js';
import { ociArch } from '../drivers/runc/oci-image.js';
import { cacheKey, cachedFile, fileDigest, fileIdentity } from './image-cache.js';

/** What the image service needs to register the image (Glance fields). */
export interface ContainerTestImage {
  readonly path: string;
  readonly diskFormat: 'raw';
  readonly containerFormat: 'docker';
  readonly sizeBytes: number;
  /** MD5 of the tarball, hex (Glance's `checksum`). */
  readonly checksum: string;
}

/** Every line the test image prints starts with this. */
export const containerTestMarker = 'STRATA-TEST-CONTAINER';
export const containerTestInit = '/usr/local/bin/strata-test-init';
export const containerTestRepoTag = 'strata/busybox-test:latest';

/** Bumped whenever the image's content changes, so cached tarballs are rebuilt. */
const builderVersion = 2;

/**
 * The test image's init: reports that it booted, its hostname and the config drive's
 * user_data, then idles until SIGTERM (`sleep & wait` so the trap runs at once). A shell
 * in the background runs what arrives on stdin (the serial console; fd 3 because an
 * asynchronous command's own stdin is /dev/null); with no stdin it ends at once.
 */
export const containerTestScript = `#!/bin/sh
m=${containerTestMarker}
echo "$m: booted"
echo "$m: hostname=$(hostname)"
echo "$m: user-data-begin"
ud=/mnt/config/openstack/latest/user_data
if [ -f "$ud" ]; then
  cat "$ud"
  [ -n "$(tail -c 1 "$ud")" ] && echo
fi
echo "$m: user-data-end"
exec 3<&0
sh -s <&3 3<&- &
trap 'echo "$m: stopping"; exit 0' TERM INT
while :; do
  sleep 1 &
  wait $!
done
`;

/**
 * Builds (once per busybox binary, known by path, size and time) a `docker save` tarball
 * of a busybox image whose command is the test init above, and caches it under `dir`. Reproducible: fixed times and owners,
 * sorted entries, so the same busybox gives the same bytes.
 */
export async function buildContainerTestImage(
  dir: string,
  opts: { readonly busybox?: string } = {},
): Promise<ContainerTestImage> {
  const busyboxPath = opts.busybox ?? '/bin/busybox';
  const key = cacheKey([`container-test-image/${builderVersion}`, await fileIdentity(busyboxPath)]);
  const path = await cachedFile(dir, `strata-busybox-${key}.docker.tar`, async (out) => {
    await writeFile(out, dockerSaveArchive(await readFile(busyboxPath), await appletPaths(busyboxPath)));
  });
  return {
    path,
    diskFormat: 'raw',
    containerFormat: 'docker',
    sizeBytes: (await stat(path)).size,
    checksum: await fileDigest(path, 'md5'),
  };
}

/** The whole `docker save` archive: manifest.json, the config, one layer. Pure. */
export function dockerSaveArchive(busybox: Buffer, applets: ReadonlyArray<string>): Buffer {
  const layer = encodeArchive(layerEntries(busybox, applets));
  const layerHex = hex(layer);
  const config = Buffer.from(JSON.stringify(imageConfig(`sha256:${layerHex}`)));
  const configName = `${hex(config)}.json`;
  const manifest = [
    { Config: configName, RepoTags: [containerTestRepoTag], Layers: [`${layerHex}/layer.tar`] },
  ];
  const [repo, version] = containerTestRepoTag.split(':') as [string, string];
  const files: Array<[string, Buffer]> = [
    [configName, config],
    [`${layerHex}/VERSION`, Buffer.from('1.0')],
    [`${layerHex}/layer.tar`, layer],
    ['manifest.json', Buffer.from(JSON.stringify(manifest))],
    ['repositories', Buffer.from(JSON.stringify({ [repo]: { [version]: layerHex } }))],
  ];
  const entries: MemoryEntry[] = [
    { header: entryHeader(`${layerHex}/`, 'directory') },
    ...files.map(([name, body]) => ({ header: entryHeader(name, 'file'), body })),
  ];
  return encodeArchive(entries.sort((a, b) => compare(a.header.path, b.header.path)));
}

function imageConfig(diffId: string): Record<string, unknown> {
  return {
    architecture: ociArch(process.arch),
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: [containerTestInit],
      WorkingDir: '/',
      Labels: { 'org.openstack.strata.test-image': 'busybox' },
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'strata container-image.ts' }],
  };
}

function layerEntries(busybox: Buffer, applets: ReadonlyArray<string>): MemoryEntry[] {
  const dirs = [
    'bin',
    'dev',
    'etc',
    'home',
    'mnt',
    'proc',
    'root',
    'run',
    'sbin',
    'sys',
    'tmp',
    'usr',
    'var',
  ];
  const moreDirs = ['usr/bin', 'usr/sbin', 'usr/local', 'usr/local/bin', 'var/tmp'];
  const sticky = new Set(['tmp', 'var/tmp']);
  const text = (s: string) => Buffer.from(s);
  const entries: MemoryEntry[] = [
    ...[...dirs, ...moreDirs].map((d) => ({
      header: entryHeader(`${d}/`, 'directory', {
        mode: sticky.has(d) ? 0o1777 : d === 'root' ? 0o700 : 0o755,
      }),
    })),
    { header: entryHeader('bin/busybox', 'file', { mode: 0o755 }), body: busybox },
    {
      header: entryHeader(containerTestInit.slice(1), 'file', { mode: 0o755 }),
      body: text(containerTestScript),
    },
    { header: entryHeader('etc/passwd', 'file'), body: text(passwd) },
    { header: entryHeader('etc/group', 'file'), body: text(group) },
    { header: entryHeader('etc/hosts', 'file'), body: text('127.0.0.1\tlocalhost\n::1\tlocalhost\n') },
    {
      header: entryHeader('etc/os-release', 'file'),
      body: text('NAME="Strata test container"\nID=strata-test\n'),
    },
    ...applets
      .filter((a) => a !== 'bin/busybox')
      .map((a) => ({ header: entryHeader(a, 'symlink', { linkname: '/bin/busybox' }) })),
  ];
  return entries.sort((a, b) => compare(a.header.path, b.header.path));
}

const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const group = 'root:x:0:\nnogroup:x:65534:\n';

/** Where busybox installs each applet (`bin/sh`, `usr/bin/env`, ...), from the binary itself. */
async function appletPaths(busybox: string): Promise<string[]> {
  const { stdout } = await runCommand(busybox, ['--list-full'], { timeoutMs: 10_000 });
  const paths = stdout.split('\n').filter((l) => /^(usr\/)?s?bin\/[^/]+$/.test(l));
  return [...new Set(paths)].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
