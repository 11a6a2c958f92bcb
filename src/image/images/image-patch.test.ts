import { describe, expect, it } from 'vitest';
import type { ImageFields, PatchTarget } from './image-patch.js';
import { applyImagePatch, parseImagePatch } from './image-patch.js';

const v21 = 'application/openstack-images-v2.1-json-patch';
const v20 = 'application/openstack-images-v2.0-json-patch';
const fields: ImageFields = {
  name: 'a',
  visibility: 'shared',
  protected: false,
  os_hidden: false,
  min_disk: 0,
  min_ram: 0,
  owner: 'p',
  disk_format: 'raw',
  container_format: 'bare',
  tags: [],
};
const target: PatchTarget = { fields, properties: { color: 'red' } };

describe('image-patch', () => {
  it('parses draft 10 and draft 4 operations into the same changes', () => {
    expect(parseImagePatch(v21, [{ op: 'replace', path: '/name', value: 'b' }])).toEqual([
      { op: 'replace', name: 'name', value: 'b', draft: 10 },
    ]);
    expect(parseImagePatch(`${v20}; charset=utf-8`, [{ replace: '/name', value: 'b' }])).toEqual([
      { op: 'replace', name: 'name', value: 'b', draft: 4 },
    ]);
  });

  it('decodes ~1 and ~0 in a path segment', () => {
    expect(parseImagePatch(v21, [{ op: 'add', path: '/a~1b~0c', value: 'x' }])[0]!.name).toBe('a/b~c');
  });

  it('refuses another media type with 415 and the Accept-Patch header', () => {
    expect(() => parseImagePatch('application/json', [])).toThrow(
      expect.objectContaining({ status: 415, headers: { 'accept-patch': `${v20}, ${v21}` } }),
    );
  });

  it.each([
    [[{ op: 'add', path: '/x/', value: 'v' }], 'Pointer `/x/` end with "/".'],
    [[{ op: 'add', path: '/a//b', value: 'v' }], 'Pointer `/a//b` contains adjacent "/".'],
    [
      [{ op: 'add', path: '/~2', value: 'v' }],
      'Pointer `/~2` contains "~" not part of a recognized escape sequence.',
    ],
    [
      [{ path: '/x', value: 'v' }],
      'Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.',
    ],
    [[{ op: 'add', value: 'v' }], "Unable to find 'path' in JSON Schema change"],
    [['add'], 'Operations must be JSON objects.'],
  ])('refuses %j with 400', (body, message) => {
    expect(() => parseImagePatch(v21, body)).toThrow(expect.objectContaining({ status: 400, message }));
  });

  it('applies add, replace and remove to properties and core attributes', () => {
    const out = applyImagePatch(
      target,
      parseImagePatch(v21, [
        { op: 'add', path: '/size_hint', value: 'big' },
        { op: 'add', path: '/color', value: 'blue' },
        { op: 'replace', path: '/min_ram', value: 128 },
        { op: 'replace', path: '/tags', value: ['x', 'x', 'y'] },
        { op: 'remove', path: '/size_hint' },
      ]),
    );
    expect(out.properties).toEqual({ color: 'blue' });
    expect(out.fields).toMatchObject({ min_ram: 128, tags: ['x', 'y'] });
    expect(target.properties).toEqual({ color: 'red' });
  });

  it('refuses, as Glance does, what cannot be changed', () => {
    const apply =
      (ops: unknown[], media = v21) =>
      () =>
        applyImagePatch(target, parseImagePatch(media, ops));
    expect(apply([{ op: 'remove', path: '/name' }])).toThrow(expect.objectContaining({ status: 403 }));
    expect(apply([{ op: 'replace', path: '/nope', value: 'x' }])).toThrow(
      expect.objectContaining({ status: 409 }),
    );
    expect(apply([{ add: '/color', value: 'x' }], v20)).toThrow('Property color already present.');
    expect(apply([{ op: 'add', path: '/checksum', value: 'x' }])).toThrow(
      "Attribute 'checksum' is read-only.",
    );
    expect(apply([{ op: 'add', path: '/locations', value: [] }])).toThrow(
      "It's not allowed to add locations if locations are invisible.",
    );
  });
});
