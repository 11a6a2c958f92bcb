import { invalidInput } from '../network-errors.js';
import { networkTypes } from './network-schemas.js';

/** A network's segment as ML2 stores it; physicalNetwork '' is none. */
export interface Segment {
  readonly networkType: string;
  readonly physicalNetwork: string;
  readonly segmentationId: number | null;
}

export interface ProviderRequest {
  readonly networkType?: string | null;
  readonly physicalNetwork?: string | null;
  readonly segmentationId?: number | null;
}

const vlanRange = [1, 4094] as const;
const vniRange = [1, 2 ** 24 - 1] as const;

/**
 * Checks provider attributes as ML2's type drivers do. A tenant network (none given) is a
 * VXLAN segment; `segmentationId` undefined means "allocate one".
 */
export function validateSegment(p: ProviderRequest): {
  type: string;
  physnet: string;
  id: number | null | undefined;
} {
  const type = p.networkType ?? 'vxlan';
  if (!(networkTypes as ReadonlyArray<string>).includes(type))
    throw invalidInput(`network_type value '${type}' not supported`);
  const physnet = p.physicalNetwork ?? '';
  const id = p.segmentationId ?? undefined;
  if (type === 'flat' || type === 'local') {
    if (id !== undefined) throw invalidInput(`segmentation_id prohibited for ${type} provider network`);
    if (type === 'flat' && physnet === '')
      throw invalidInput('physical_network required for flat provider network');
    if (type === 'local' && physnet !== '')
      throw invalidInput(`physical_network prohibited for local provider network`);
    return { type, physnet, id: null };
  }
  if (type === 'vlan') {
    if (physnet === '') throw invalidInput('physical_network required for VLAN provider network');
    if (id !== undefined && (id < vlanRange[0] || id > vlanRange[1]))
      throw invalidInput(`segmentation_id out of range (${vlanRange[0]} through ${vlanRange[1]})`);
    return { type, physnet, id };
  }
  if (physnet !== '') throw invalidInput(`provider:physical_network specified for ${type} network`);
  if (id !== undefined && (id < vniRange[0] || id > vniRange[1]))
    throw invalidInput(`segmentation_id out of range (${vniRange[0]} through ${vniRange[1]})`);
  return { type, physnet, id };
}

/** ML2's MTU per type: the physical MTU, less the VXLAN overhead (50 bytes over IPv4). */
export function maxMtu(type: string, physnetMtu: number): number {
  return type === 'vxlan' ? physnetMtu - 50 : physnetMtu;
}
