import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerSaveTarball, fileEntry, layerTar, ociLayoutTarball } from './testing/image-fixtures.js';
import {
  ImageArchiveError,
  ociArch,
  openImageArchive,
  parseDockerManifest,
  parseImageConfig,
  parseOciManifest,
  pickManifest,
} from './oci-image.js';
import { readAll, readTar } from './tar-reader.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('oci-image parsing', () => {
  it('reads a docker save manifest', () => {
    expect(parseDockerManifest([{ Config: 'c.json', Layers: ['a/layer.tar', 'b/layer.tar'] }])).toEqual({
      config: 'c.json',
      layers: ['a/layer.tar', 'b/layer.tar'],
    });
    expect(() => parseDockerManifest({ Config: 'c.json' })).toThrow(ImageArchiveError);
    expect(() => parseDockerManifest([{ Config: 'c.json', Layers: [1] }])).toThrow(/Config and Layers/);
  });

  it('picks the manifest for this platform from an index', () => {
    const index = {
      manifests: [
        { digest: digest('a'), platform: { os: 'linux', architecture: 'riscv64' } },
        { digest: digest('b'), platform: { os: 'linux', architecture: ociArch(process.arch) } },
      ],
    };
    expect(pickManifest(index).digest).toBe(digest('b'));
    expect(pickManifest({ manifests: [{ digest: digest('c') }] }).digest).toBe(digest('c'));
    expect(() => pickManifest({ manifests: [index.manifests[0]] })).toThrow(/no manifest for linux/);
    expect(() => pickManifest({ manifests: [] })).toThrow(/no manifests/);
  });

  it('reads an OCI manifest and rejects layers without digests', () => {
    const m = { config: { digest: digest('c') }, layers: [{ digest: digest('1') }, { digest: digest('2') }] };
    expect(parseOciManifest(m)).toEqual({ config: digest('c'), layers: [digest('1'), digest('2')] });
    expect(() => parseOciManifest({ ...m, layers: [{ digest: 'md5:x' }] })).toThrow(/sha256/);
  });

  it('reads the run config and checks the layer count', () => {
    const doc = {
      config: { Env: ['A=1'], Entrypoint: ['/init'], Cmd: null, WorkingDir: '/w', User: 'app' },
      rootfs: { diff_ids: [digest('1')] },
    };
    expect(parseImageConfig(doc, 1).run).toEqual({
      env: ['A=1'],
      entrypoint: ['/init'],
      cmd: [],
      workingDir: '/w',
      user: 'app',
    });
    expect(() => parseImageConfig(doc, 2)).toThrow(/2 layers but the config 1/);
    expect(() => parseImageConfig({ ...doc, config: { Cmd: 'sh' } }, 1)).toThrow(/Cmd/);
  });
});

describe('oci-image archives', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-oci-image-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const layers = [layerTar([fileEntry('a.txt', 'one')]), layerTar([fileEntry('b.txt', 'two')])];

  it.each([
    ['docker save', 'docker-save', dockerSaveTarball],
    ['OCI layout', 'oci-layout', ociLayoutTarball],
  ] as const)('opens a %s tarball and streams its layers', async (_name, format, build) => {
    const a = await openImageArchive(write('img.tar', build(layers, ['/bin/app', '-v'])));
    expect(a.format).toBe(format);
    expect(a.configDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.run).toMatchObject({ cmd: ['/bin/app', '-v'], env: ['FOO=bar'], workingDir: '/srv' });
    expect(a.layers).toHaveLength(2);
    expect(a.layers.every((l) => l.diffId !== undefined)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const c of a.openLayer(a.layers[0]!)) chunks.push(c as Buffer);
    const blob = Buffer.concat(chunks);
    expect(format === 'oci-layout' ? blob[0] : blob.length).toBe(
      format === 'oci-layout' ? 0x1f : layers[0]!.length,
    );
  });

  it('rejects what is not an image tarball, saying why', async () => {
    await expect(openImageArchive(write('junk.tar', Buffer.alloc(4096, 7)))).rejects.toThrow(
      /not a readable image tarball: bad tar header checksum/,
    );
    await expect(openImageArchive(write('empty.tar', Buffer.alloc(0)))).rejects.toThrow(/truncated/);
    const noManifest = layerTar([fileEntry('hello.txt', 'hi')]);
    await expect(openImageArchive(write('plain.tar', noManifest))).rejects.toThrow(/neither manifest.json/);
  });

  it('rejects a truncated tarball', async () => {
    const full = dockerSaveTarball(layers);
    await expect(openImageArchive(write('cut.tar', full.subarray(0, full.length - 2048)))).rejects.toThrow(
      /truncated/,
    );
  });

  it('rejects a config that does not match its digest', async () => {
    const tarball = dockerSaveTarball(layers);
    const at = tarball.indexOf('FOO=bar');
    tarball.write('FOO=baz', at, 'latin1');
    // keep the tar header valid: the config's bytes changed, not its size
    await expect(openImageArchive(write('bad.tar', tarball))).rejects.toThrow(/does not match its digest/);
  });

  it('lets the reader see layer contents', async () => {
    const a = await openImageArchive(write('img.tar', dockerSaveTarball(layers)));
    const names: string[] = [];
    for await (const e of readTar(a.openLayer(a.layers[1]!)))
      names.push(`${e.header.path}=${await readAll(e.body())}`);
    expect(names).toEqual(['b.txt=two']);
  });
});
