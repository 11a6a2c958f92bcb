import { describe, expect, it } from 'vitest';
import type { ComputeImage } from '../compute-deps.js';
import type { EmbeddedFlavor } from '../servers/server-model.js';
import { requestedTraits, resourcesOf } from './scheduling-inputs.js';

const flavor = (
  extraSpecs: Record<string, string> = {},
  over: Partial<EmbeddedFlavor> = {},
): EmbeddedFlavor => ({
  id: 'f',
  name: 'f',
  vcpus: 2,
  ram: 1024,
  disk: 10,
  ephemeral: 5,
  swap: 0,
  extraSpecs,
  ...over,
});

describe('resourcesOf', () => {
  it("claims the flavor's VCPU, MEMORY_MB and root + ephemeral + swap (rounded up to GB) as DISK_GB", () => {
    expect(resourcesOf({ flavor: flavor() })).toEqual({ VCPU: 2, MEMORY_MB: 1024, DISK_GB: 15 });
    // Volume-backed (no image): the root is on the volume, only ephemeral and swap are local.
    expect(resourcesOf({ flavor: flavor(), imageId: '' })).toEqual({ VCPU: 2, MEMORY_MB: 1024, DISK_GB: 5 });
    expect(resourcesOf({ flavor: flavor({}, { ephemeral: 0 }), imageId: '' })).toEqual({
      VCPU: 2,
      MEMORY_MB: 1024,
    });
    expect(resourcesOf({ flavor: flavor(), imageId: 'img-1' })).toMatchObject({ DISK_GB: 15 });
    expect(resourcesOf({ flavor: flavor({}, { swap: 1536 }) })).toEqual({
      VCPU: 2,
      MEMORY_MB: 1024,
      DISK_GB: 17,
    });
    expect(resourcesOf({ flavor: flavor({}, { disk: 0, ephemeral: 0 }) })).toEqual({
      VCPU: 2,
      MEMORY_MB: 1024,
    });
  });

  it('lets resources:<CLASS> specs replace an amount, add a class or drop one with 0', () => {
    const specs = { 'resources:MEMORY_MB': '2048', 'resources:CUSTOM_FPGA': '1', 'resources:DISK_GB': '0' };
    expect(resourcesOf({ flavor: flavor(specs) })).toEqual({ VCPU: 2, MEMORY_MB: 2048, CUSTOM_FPGA: 1 });
    expect(resourcesOf({ flavor: flavor({ 'resources:VCPU': '0' }) })).toEqual({
      MEMORY_MB: 1024,
      DISK_GB: 15,
    });
  });

  it('claims PCPU instead of VCPU when a spec asks for PCPU', () => {
    expect(resourcesOf({ flavor: flavor({ 'resources:PCPU': '2' }) })).toEqual({
      MEMORY_MB: 1024,
      DISK_GB: 15,
      PCPU: 2,
    });
  });

  it('skips specs Nova skips: unknown classes, bad amounts, suffixed groups, other prefixes', () => {
    const specs = {
      'resources:FOO': '1', //          neither standard nor CUSTOM_*
      'resources:custom_x': '1', //     lower case
      'resources:MEMORY_MB': '-1', //   negative
      'resources:VCPU': '1.5', //       not an integer
      'resources1:CUSTOM_X': '1', //    a granular group: not read here
      'resource:CUSTOM_Y': '1',
      'hw:cpu_policy': 'dedicated',
    };
    expect(resourcesOf({ flavor: flavor(specs) })).toEqual({ VCPU: 2, MEMORY_MB: 1024, DISK_GB: 15 });
    expect(resourcesOf({ flavor: flavor({ 'resources:CUSTOM_X': ' +3 ' }) })).toMatchObject({ CUSTOM_X: 3 });
  });
});

describe('requestedTraits', () => {
  const image = (properties: Record<string, string>) =>
    ({ id: 'i', diskFormat: 'qcow2', containerFormat: 'bare', properties }) as unknown as ComputeImage;

  it('reads required and forbidden traits from flavor specs and image properties', () => {
    const traits = requestedTraits(image({ 'trait:CUSTOM_A': 'required', 'trait:CUSTOM_B': 'forbidden' }), {
      'trait:CUSTOM_C': 'required',
      'trait:CUSTOM_D': 'forbidden',
      'trait:CUSTOM_E': 'preferred', // not a value Nova knows: ignored
    });
    expect(traits.required.sort()).toEqual([
      'COMPUTE_IMAGE_TYPE_QCOW2',
      'CUSTOM_A',
      'CUSTOM_C',
      'CUSTOM_STRATA_VM',
    ]);
    expect(traits.forbidden.sort()).toEqual(['CUSTOM_B', 'CUSTOM_D']);
  });

  it('forbids nothing when nothing is forbidden', () => {
    expect(requestedTraits(image({}), {}).forbidden).toEqual([]);
  });
});
