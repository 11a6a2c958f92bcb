import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ociArch } from '../oci-image.js';
import type { MemoryEntry } from '../tar-writer.js';
import { encodeArchive, entryHeader } from '../tar-writer.js';

/** Small image tarballs for tests: layers are given as in-memory tar entries. */

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function layerTar(entries: ReadonlyArray<MemoryEntry>): Buffer {
  return encodeArchive(entries);
}

export function fileEntry(path: string, body: string, mode = 0o644): MemoryEntry {
  return { header: entryHeader(path, 'file', { mode }), body: Buffer.from(body) };
}

function configFor(layers: ReadonlyArray<Buffer>, cmd: ReadonlyArray<string>): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: ociArch(process.arch),
      os: 'linux',
      config: { Env: ['FOO=bar'], Cmd: cmd, WorkingDir: '/srv' },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${sha(l)}`) },
    }),
  );
}

/** A `docker save` tarball (legacy layout: `<id>/layer.tar`, `<config hex>.json`). */
export function dockerSaveTarball(
  layers: ReadonlyArray<Buffer>,
  cmd: ReadonlyArray<string> = ['/bin/sh'],
): Buffer {
  const config = configFor(layers, cmd);
  const names = layers.map((l, i) => `${sha(Buffer.concat([l, Buffer.from([i])]))}/layer.tar`);
  const manifest = [{ Config: `${sha(config)}.json`, RepoTags: ['t:latest'], Layers: names }];
  return encodeArchive([
    { header: entryHeader('manifest.json', 'file'), body: Buffer.from(JSON.stringify(manifest)) },
    { header: entryHeader(`${sha(config)}.json`, 'file'), body: config },
    ...layers.map((l, i) => ({ header: entryHeader(names[i]!, 'file'), body: l })),
  ]);
}

/** An OCI image-layout tarball: index.json → manifest → config + gzip-compressed layers. */
export function ociLayoutTarball(
  layers: ReadonlyArray<Buffer>,
  cmd: ReadonlyArray<string> = ['/bin/sh'],
): Buffer {
  const config = configFor(layers, cmd);
  const blobs = layers.map((l) => gzipSync(l));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}` },
      layers: blobs.map((b) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${sha(b)}`,
        size: b.length,
      })),
    }),
  );
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${sha(manifest)}`,
        platform: { os: 'linux', architecture: ociArch(process.arch) },
      },
    ],
  };
  const blob = (b: Buffer) => ({ header: entryHeader(`blobs/sha256/${sha(b)}`, 'file'), body: b });
  return encodeArchive([
    { header: entryHeader('oci-layout', 'file'), body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { header: entryHeader('index.json', 'file'), body: Buffer.from(JSON.stringify(index)) },
    blob(manifest),
    blob(config),
    ...blobs.map(blob),
  ]);
}
