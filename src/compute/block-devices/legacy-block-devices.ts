import { InputError } from '../../common/errors.js';
import type { ServerCreateRequest } from '../servers/server-schemas.js';

type Server = ServerCreateRequest['server'];
type Legacy = NonNullable<Server['block_device_mapping']>[number];
type V2 = NonNullable<Server['block_device_mapping_v2']>[number];

/** Nova assumes this root device name for legacy mappings when the request gives none. */
const rootDeviceName = 'vda';
const stripDev = (name: string | undefined) => (name ?? '').replace(/^\/dev\//, '');
const invalid = (details: string) =>
  new InputError('compute.server.bdm_invalid', `Block Device Mapping is Invalid: ${details}`);

/** Nova's BlockDeviceDict.from_legacy for one v1 mapping; undefined for a no_device entry. */
function fromLegacy(d: Legacy): V2 | undefined {
  const common = {
    ...(d.device_name !== undefined && { device_name: d.device_name }),
    ...(d.delete_on_termination !== undefined && { delete_on_termination: d.delete_on_termination }),
    ...(d.volume_size !== undefined && { volume_size: d.volume_size }),
  };
  if (d.virtual_name !== undefined && /^(ephemeral\d+|swap)$/.test(d.virtual_name))
    return { source_type: 'blank', destination_type: 'local', ...common };
  if (d.snapshot_id !== undefined)
    return { source_type: 'snapshot', destination_type: 'volume', uuid: d.snapshot_id, ...common };
  if (d.volume_id !== undefined)
    return { source_type: 'volume', destination_type: 'volume', uuid: d.volume_id, ...common };
  if (d.no_device !== undefined && d.no_device !== null && d.no_device !== false) return undefined;
  throw invalid('Unrecognized legacy format.');
}

/**
 * The v2 mappings of a create request. The two syntaxes are exclusive (Nova's 400). Legacy
 * mappings convert as Nova's from_legacy_mapping does with root device `vda`: the volume or
 * snapshot named vda boots (boot_index 0), the others do not; without one, imageRef boots
 * from a local root disk (the image mapping Nova adds).
 */
export function blockDevicesOf(req: Server): Server['block_device_mapping_v2'] {
  const legacy = req.block_device_mapping;
  if (legacy === undefined) return req.block_device_mapping_v2;
  if (req.block_device_mapping_v2 !== undefined)
    throw new InputError(
      'compute.server.bdm_mixed',
      'Using different block_device_mapping syntaxes is not allowed in the same request.',
    );
  const converted = legacy.flatMap((d) => {
    const v2 = fromLegacy(d);
    if (v2 === undefined) return [];
    const root = v2.source_type !== 'blank' && stripDev(d.device_name) === rootDeviceName;
    return [{ ...v2, boot_index: root ? 0 : -1 }];
  });
  const image = req.imageRef ?? '';
  if (converted.some((d) => d.boot_index === 0) || image === '') return converted;
  return [{ source_type: 'image', destination_type: 'local', uuid: image, boot_index: 0 }, ...converted];
}
