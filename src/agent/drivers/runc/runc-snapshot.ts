import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeHeader, endOfArchive, paddingOf } from './tar-format.js';
import { entryHeader, tarTree } from './tar-writer.js';

/**
 * Writes the root filesystem at `rootDir` as one flattened layer (a temp file in `tmpDir`,
 * so the container need only be frozen while it is read), then returns a `docker save`
 * tarball of it: manifest.json, the config (the base image's, with the new layer), the
 * layer. The temp file goes when the stream ends or is destroyed.
 */
export async function writeSnapshotLayer(
  rootDir: string,
  tmpDir: string,
  owner?: (id: number) => number,
): Promise<SnapshotLayer> {
  const path = join(tmpDir, `snapshot-${randomUUID()}.layer.tar`);
  const hash = createHash('sha256');
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of tarTree(rootDir, owner)) {
      hash.update(chunk);
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(hashed()), createWriteStream(path, { mode: 0o600 }));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, digestHex: hash.digest('hex'), size: (await stat(path)).size };
}

export interface SnapshotLayer {
  readonly path: string;
  readonly digestHex: string;
  readonly size: number;
}

/** The `docker save` stream around a layer written by writeSnapshotLayer. */
export function snapshotArchive(
  layer: SnapshotLayer,
  baseConfig: Readonly<Record<string, unknown>>,
  createdBy: string,
): Readable {
  const created = new Date().toISOString();
  const config = Buffer.from(
    JSON.stringify({
      ...baseConfig,
      created,
      rootfs: { type: 'layers', diff_ids: [`sha256:${layer.digestHex}`] },
      history: [{ created, created_by: createdBy }],
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layerName = `${layer.digestHex}/layer.tar`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: null, Layers: [layerName] }]));
  const file = (name: string, size: number) =>
    encodeHeader(entryHeader(name, 'file', { size, mtime: Math.floor(Date.now() / 1000) }));
  async function* archive(): AsyncGenerator<Buffer> {
    try {
      yield file('manifest.json', manifest.length);
      yield Buffer.concat([manifest, Buffer.alloc(paddingOf(manifest.length))]);
      yield file(configName, config.length);
      yield Buffer.concat([config, Buffer.alloc(paddingOf(config.length))]);
      yield encodeHeader(entryHeader(`${layer.digestHex}/`, 'directory'));
      yield file(layerName, layer.size);
      yield* createReadStream(layer.path) as AsyncIterable<Buffer>;
      yield Buffer.alloc(paddingOf(layer.size));
      yield endOfArchive();
    } finally {
      await rm(layer.path, { force: true });
    }
  }
  return Readable.from(archive(), { objectMode: false });
}
