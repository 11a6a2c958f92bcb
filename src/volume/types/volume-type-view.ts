import type { VolumeTypeRecord } from './volume-type-store.js';

/** Extra specs every reader may see (Cinder's USER_VISIBLE_EXTRA_SPECS). */
export const userVisibleExtraSpecs = ['RESKEY:availability_zones', 'multiattach', 'replication_enabled'];

/** What the caller's policies let the type view show. */
export interface VolumeTypeViewContext {
  /** volume_extension:access_types_extra_specs */
  readonly extraSpecs: boolean;
  /** volume_extension:types_extra_specs:read_sensitive */
  readonly sensitiveSpecs: boolean;
  /** volume_extension:access_types_qos_specs_id */
  readonly qosSpecsId: boolean;
  /** volume_extension:volume_type_access */
  readonly typeAccess: boolean;
}

export function visibleSpecs(
  c: Pick<VolumeTypeViewContext, 'sensitiveSpecs'>,
  specs: Readonly<Record<string, string | null>>,
): Record<string, string | null> {
  if (c.sensitiveSpecs) return { ...specs };
  return Object.fromEntries(userVisibleExtraSpecs.filter((k) => k in specs).map((k) => [k, specs[k]!]));
}

/** A volume type as Cinder shows it (the same at every microversion up to 3.60). */
export function volumeTypeView(c: VolumeTypeViewContext, t: VolumeTypeRecord) {
  return {
    id: t.id,
    name: t.name,
    is_public: t.isPublic,
    description: t.description,
    ...(c.extraSpecs && { extra_specs: visibleSpecs(c, t.extraSpecs) }),
    ...(c.qosSpecsId && { qos_specs_id: t.qosSpecsId ?? null }),
    ...(c.typeAccess && { 'os-volume-type-access:is_public': t.isPublic }),
  };
}
