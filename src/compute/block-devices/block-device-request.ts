import { InputError } from '../../common/errors.js';
import type { ServerCreateRequest } from '../servers/server-schemas.js';

type RequestedDevices = ServerCreateRequest['server']['block_device_mapping_v2'];
type RequestedDevice = NonNullable<RequestedDevices>[number];

/** A block device mapping as Nova's BlockDeviceDict.from_api leaves it. */
export interface BlockDeviceRequest {
  readonly sourceType: 'image' | 'volume' | 'snapshot' | 'blank';
  readonly destinationType: 'local' | 'volume';
  readonly uuid: string | null;
  readonly volumeSize: number | null;
  /** Null when the device is not in the boot order (Nova's boot_index None or negative). */
  readonly bootIndex: number | null;
  readonly deviceName: string | null;
  readonly deleteOnTermination: boolean;
}

/** What the server boots and which volumes it needs. */
export interface BootPlan {
  /** The image of the root disk; '' for a volume-backed server (Nova's image_ref ''). */
  readonly imageId: string;
  /** Mappings to volumes, in request order. */
  readonly volumes: ReadonlyArray<BlockDeviceRequest>;
}

const invalid = (details: string) =>
  new InputError('compute.server.bdm_invalid', `Block Device Mapping is Invalid: ${details}`);
const bootSequence = () =>
  invalid('Boot sequence for the instance and image/block device mapping combination is not valid.');

const trueWords = new Set(['1', 't', 'true', 'on', 'y', 'yes']);

function intOf(v: string | number | null | undefined): number | null {
  if (v === undefined || v === null || v === '') return null;
  return typeof v === 'number' ? v : Number.parseInt(v, 10);
}

function normalized(d: RequestedDevice): BlockDeviceRequest {
  const sourceType = d.source_type ?? 'blank';
  const destinationType = d.destination_type ?? (sourceType === 'volume' ? 'volume' : 'local');
  const boot = intOf(d.boot_index);
  const dot = d.delete_on_termination;
  const r: BlockDeviceRequest = {
    sourceType,
    destinationType,
    uuid: d.uuid ?? null,
    volumeSize: intOf(d.volume_size),
    bootIndex: boot === null || boot < 0 ? null : boot,
    deviceName: d.device_name ?? null,
    deleteOnTermination: typeof dot === 'string' ? trueWords.has(dot.toLowerCase()) : dot === true,
  };
  checkOne(r);
  return r;
}

/** Nova's per-mapping checks (BlockDeviceDict.from_api and compute API _validate_bdm). */
function checkOne(r: BlockDeviceRequest): void {
  if (r.sourceType !== 'blank' && r.uuid === null) throw invalid('Missing device UUID.');
  if (r.sourceType === 'image' && r.destinationType === 'local' && r.bootIndex !== 0)
    throw invalid('Mapping image to local is not supported.');
  if ((r.sourceType === 'volume' || r.sourceType === 'snapshot') && r.destinationType === 'local')
    throw invalid(`Mapping ${r.sourceType} to local is not supported.`);
  if (r.sourceType === 'blank' && r.destinationType === 'local')
    throw invalid('ephemeral and swap disks are not supported by this cloud; map a blank volume instead.');
  if (
    (r.sourceType === 'image' || r.sourceType === 'blank') &&
    r.destinationType === 'volume' &&
    !r.volumeSize
  )
    throw new InputError(
      'compute.server.bdm_no_size',
      "Images with destination_type 'volume' need to have a non-zero size specified",
    );
  if (r.volumeSize !== null && r.volumeSize < 0) throw invalid('Invalid volume_size.');
}

/**
 * The request's boot plan: an image on the local root disk (imageRef, or the single
 * image→local mapping with boot_index 0), or a volume with boot_index 0; boot indexes
 * must run 0, 1, 2… without gaps, as Nova checks them.
 */
export function bootPlanOf(imageRef: string, requested: RequestedDevices, maxCount: number): BootPlan {
  const all = (requested ?? []).map(normalized);
  if (all.length === 0) return { imageId: imageRef, volumes: [] };
  const localImage = all.find((d) => d.destinationType === 'local');
  const volumes = all.filter((d) => d.destinationType === 'volume');
  if (imageRef !== '' && localImage?.uuid != null && localImage.uuid !== imageRef)
    throw invalid(`the mapping boots image ${localImage.uuid}, the request names image ${imageRef}.`);
  const rootVolume = volumes.find((d) => d.bootIndex === 0);
  const imageId = rootVolume !== undefined ? '' : imageRef !== '' ? imageRef : (localImage?.uuid ?? '');
  const indexes = [
    // imageRef alone stands for Nova's implicit image→local mapping at boot index 0.
    ...(rootVolume === undefined && localImage === undefined && imageId !== '' ? [0] : []),
    ...all.flatMap((d) => (d.bootIndex === null ? [] : [d.bootIndex])),
  ].sort((a, b) => a - b);
  if (indexes[0] !== 0 || indexes.some((v, i) => v !== i)) throw bootSequence();
  if (maxCount > 1 && volumes.some((d) => d.sourceType === 'volume'))
    throw new InputError(
      'compute.server.bdm_multi_volume',
      'Cannot attach one or more volumes to multiple instances',
    );
  return { imageId, volumes };
}
