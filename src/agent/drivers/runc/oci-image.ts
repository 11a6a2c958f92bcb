import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { TarIndex } from './tar-index.js';

/** The part of an image's config that decides how its process runs. */
export interface ImageRunConfig {
  readonly env: ReadonlyArray<string>;
  readonly entrypoint: ReadonlyArray<string>;
  readonly cmd: ReadonlyArray<string>;
  readonly workingDir: string;
  readonly user: string;
}

export interface LayerRef {
  /** Member of the archive holding the layer blob. */
  readonly member: string;
  /** sha256 of the blob as stored (OCI descriptors, `blobs/sha256/<hex>` names). */
  readonly blobDigest?: string;
  /** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids). */
  readonly diffId?: string;
}

export interface ImageArchive {
  readonly format: 'docker-save' | 'oci-layout';
  /** `sha256:<hex>` of the image config: the image's content identity. */
  readonly configDigest: string;
  /** The config document as stored (copied into snapshots). */
  readonly configJson: Readonly<Record<string, unknown>>;
  readonly run: ImageRunConfig;
  readonly layers: ReadonlyArray<LayerRef>;
  openLayer(layer: LayerRef): Readable;
}

/** The image data cannot be used: the message says why, for the server's fault. */
export class ImageArchiveError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageArchiveError';
  }
}

const hexDigest = /^sha256:[0-9a-f]{64}$/;
const indexTypes = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** Opens a `docker save` tarball or an OCI image-layout tarball (detected by its files). */
export async function openImageArchive(path: string): Promise<ImageArchive> {
  let index: TarIndex;
  try {
    index = await TarIndex.open(path);
  } catch (err) {
    throw new ImageArchiveError(`not a readable image tarball: ${(err as Error).message}`, { cause: err });
  }
  if (index.has('manifest.json')) return openDockerSave(index);
  if (index.has('oci-layout') && index.has('index.json')) return openOciLayout(index);
  throw new ImageArchiveError(
    'the tarball has neither manifest.json (docker save) nor oci-layout/index.json',
  );
}

async function openDockerSave(index: TarIndex): Promise<ImageArchive> {
  const manifest = parseDockerManifest(await readJson(index, 'manifest.json'));
  const configBytes = await index.read(manifest.config);
  const configDigest = sha256Of(configBytes);
  const named = digestFromName(manifest.config);
  if (named !== undefined && named !== configDigest)
    throw new ImageArchiveError(`config ${manifest.config} does not match its digest (corrupt)`);
  const config = parseImageConfig(jsonOf(configBytes, manifest.config), manifest.layers.length);
  const layers = manifest.layers.map((member, i) => {
    const blobDigest = digestFromName(member);
    const diffId = config.diffIds[i];
    return { member, ...(blobDigest && { blobDigest }), ...(diffId && { diffId }) };
  });
  return archive(index, 'docker-save', configDigest, config, layers);
}

async function openOciLayout(index: TarIndex): Promise<ImageArchive> {
  let doc = await readJson(index, 'index.json');
  for (let depth = 0; ; depth++) {
    const desc = pickManifest(doc);
    if (depth > 4) throw new ImageArchiveError('image index nesting is too deep');
    doc = jsonOf(await readBlob(index, desc.digest), desc.digest);
    if (!indexTypes.has(desc.mediaType ?? '') && !Array.isArray(doc['manifests'])) break;
  }
  const manifest = parseOciManifest(doc);
  const configBytes = await readBlob(index, manifest.config);
  const config = parseImageConfig(jsonOf(configBytes, manifest.config), manifest.layers.length);
  const layers = manifest.layers.map((digest, i) => {
    const diffId = config.diffIds[i];
    return { member: blobPath(digest), blobDigest: digest, ...(diffId && { diffId }) };
  });
  return archive(index, 'oci-layout', manifest.config, config, layers);
}

function archive(
  index: TarIndex,
  format: ImageArchive['format'],
  configDigest: string,
  config: ParsedConfig,
  layers: ReadonlyArray<LayerRef>,
): ImageArchive {
  for (const l of layers)
    if (!index.has(l.member)) throw new ImageArchiveError(`layer ${l.member} is missing from the tarball`);
  return {
    format,
    configDigest,
    configJson: config.raw,
    run: config.run,
    layers,
    openLayer: (l) => index.stream(l.member),
  };
}

/** `docker save`'s manifest.json: the first image's config and layer members. */
export function parseDockerManifest(doc: unknown): { config: string; layers: string[] } {
  const first = Array.isArray(doc) ? (doc[0] as Record<string, unknown> | undefined) : undefined;
  const config = first?.['Config'];
  const layers = first?.['Layers'];
  if (typeof config !== 'string' || !Array.isArray(layers) || !layers.every((l) => typeof l === 'string'))
    throw new ImageArchiveError('manifest.json is not a docker save manifest (needs Config and Layers)');
  return { config, layers: layers as string[] };
}

/** An OCI index's manifest for this host's platform (or the only one). */
export function pickManifest(doc: Readonly<Record<string, unknown>>): { digest: string; mediaType?: string } {
  const list = doc['manifests'];
  if (!Array.isArray(list) || list.length === 0) throw new ImageArchiveError('index.json lists no manifests');
  const arch = ociArch(process.arch);
  const fits = (m: Record<string, unknown>) => {
    const p = m['platform'] as { os?: string; architecture?: string } | undefined;
    return p === undefined || (p.os === 'linux' && p.architecture === arch);
  };
  const chosen = (list as Record<string, unknown>[]).find(fits);
  if (chosen === undefined) throw new ImageArchiveError(`the image has no manifest for linux/${arch}`);
  const digest = chosen['digest'];
  if (typeof digest !== 'string' || !hexDigest.test(digest))
    throw new ImageArchiveError('index.json has a manifest without a sha256 digest');
  const mediaType = chosen['mediaType'];
  return { digest, ...(typeof mediaType === 'string' && { mediaType }) };
}

/** An OCI image manifest: config and layer digests. */
export function parseOciManifest(doc: Readonly<Record<string, unknown>>): {
  config: string;
  layers: string[];
} {
  const config = (doc['config'] as { digest?: unknown } | undefined)?.digest;
  const layers = doc['layers'];
  if (typeof config !== 'string' || !hexDigest.test(config) || !Array.isArray(layers))
    throw new ImageArchiveError('the image manifest has no config or layers');
  const digests = (layers as Array<{ digest?: unknown }>).map((l) => l.digest);
  if (!digests.every((d): d is string => typeof d === 'string' && hexDigest.test(d)))
    throw new ImageArchiveError('the image manifest has a layer without a sha256 digest');
  return { config, layers: digests };
}

export interface ParsedConfig {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly run: ImageRunConfig;
  readonly diffIds: ReadonlyArray<string>;
}

/** The image config: how to run it and the digests of its uncompressed layers. */
export function parseImageConfig(doc: Readonly<Record<string, unknown>>, layerCount: number): ParsedConfig {
  const c = (doc['config'] ?? {}) as Record<string, unknown>;
  const strings = (v: unknown, field: string): string[] => {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    throw new ImageArchiveError(`image config field ${field} is not a list of strings`);
  };
  const diffIds = strings((doc['rootfs'] as Record<string, unknown> | undefined)?.['diff_ids'], 'diff_ids');
  if (diffIds.length !== layerCount)
    throw new ImageArchiveError(`the manifest names ${layerCount} layers but the config ${diffIds.length}`);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    raw: doc,
    diffIds,
    run: {
      env: strings(c['Env'], 'Env'),
      entrypoint: strings(c['Entrypoint'], 'Entrypoint'),
      cmd: strings(c['Cmd'], 'Cmd'),
      workingDir: text(c['WorkingDir']),
      user: text(c['User']),
    },
  };
}

/** Go's GOARCH names, which image platforms use. */
export function ociArch(nodeArch: string): string {
  return (
    (
      { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<
        string,
        string
      >
    )[nodeArch] ?? nodeArch
  );
}

export function sha256Of(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `blobs/sha256/<hex>` or `<hex>.json` / `<hex>/layer.tar` names carry their digest. */
function digestFromName(member: string): string | undefined {
  const m = /(?:^|\/)(?:blobs\/sha256\/)?([0-9a-f]{64})(?:\.json)?$/.exec(member);
  return m ? `sha256:${m[1]}` : undefined;
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

async function readBlob(index: TarIndex, digest: string): Promise<Buffer> {
  if (!index.has(blobPath(digest))) throw new ImageArchiveError(`blob ${digest} is missing from the tarball`);
  const data = await index.read(blobPath(digest));
  if (sha256Of(data) !== digest)
    throw new ImageArchiveError(`blob ${digest} does not match its digest (corrupt)`);
  return data;
}

async function readJson(index: TarIndex, member: string): Promise<Record<string, unknown>> {
  return jsonOf(await index.read(member), member);
}

function jsonOf(data: Buffer, what: string): Record<string, unknown> {
  try {
    return JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ImageArchiveError(`${what} is not valid JSON (corrupt)`);
  }
}
