import { describe, expect, it } from 'vitest';
import { bootPlanOf } from './block-device-request.js';

const image = '8a6c2f0e-1111-4222-8333-444455556666';
const volume = '0b1c2d3e-1111-4222-8333-444455556666';

describe('bootPlanOf (Nova block_device_mapping_v2 rules)', () => {
  it('keeps imageRef alone as the local root disk', () => {
    expect(bootPlanOf(image, undefined, 1)).toEqual({ imageId: image, volumes: [] });
  });

  it('makes a volume at boot index 0 the root: no image, the volume mapped', () => {
    const plan = bootPlanOf(
      '',
      [{ source_type: 'volume', destination_type: 'volume', uuid: volume, boot_index: '0' }],
      1,
    );
    expect(plan.imageId).toBe('');
    expect(plan.volumes).toEqual([
      {
        sourceType: 'volume',
        destinationType: 'volume',
        uuid: volume,
        volumeSize: null,
        bootIndex: 0,
        deviceName: null,
        deleteOnTermination: false,
      },
    ]);
  });

  it('adds data volumes after an image root, and reads delete_on_termination strings', () => {
    const plan = bootPlanOf(
      image,
      [
        {
          source_type: 'blank',
          destination_type: 'volume',
          volume_size: '2',
          boot_index: -1,
          delete_on_termination: 'True',
        },
      ],
      1,
    );
    expect(plan.imageId).toBe(image);
    expect(plan.volumes[0]).toMatchObject({ volumeSize: 2, bootIndex: null, deleteOnTermination: true });
  });

  it('refuses gaps and duplicates in the boot sequence', () => {
    const seq = /Boot sequence for the instance/;
    expect(() =>
      bootPlanOf(
        '',
        [{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 1 }],
        1,
      ),
    ).toThrow(seq);
    expect(() =>
      bootPlanOf(
        image,
        [{ source_type: 'volume', destination_type: 'volume', uuid: volume, boot_index: 2 }],
        1,
      ),
    ).toThrow(seq);
    expect(() =>
      bootPlanOf(
        '',
        [
          { source_type: 'image', destination_type: 'local', uuid: image, boot_index: 0 },
          { source_type: 'volume', destination_type: 'volume', uuid: volume, boot_index: 0 },
        ],
        1,
      ),
    ).toThrow(seq);
  });

  it('refuses local mappings of volumes and images off the boot index, and sizeless image volumes', () => {
    expect(() =>
      bootPlanOf(image, [{ source_type: 'image', destination_type: 'local', uuid: image, boot_index: 1 }], 1),
    ).toThrow('Block Device Mapping is Invalid: Mapping image to local is not supported.');
    expect(() =>
      bootPlanOf('', [{ source_type: 'image', destination_type: 'volume', uuid: image, boot_index: 0 }], 1),
    ).toThrow("Images with destination_type 'volume' need to have a non-zero size specified");
    expect(() =>
      bootPlanOf(
        image,
        [{ source_type: 'volume', destination_type: 'volume', uuid: volume, boot_index: 1 }],
        2,
      ),
    ).toThrow('Cannot attach one or more volumes to multiple instances');
  });
});
