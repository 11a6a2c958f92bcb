import type { TSchema } from 'typebox';
import Type from 'typebox';
import { int, str, strict } from '../../common/http/response-schemas.js';
import { noBody } from '../../common/http/route-spec.js';

/**
 * Cinder's quota sets (api-ref "Quota sets extension (os-quota-sets)"), the same at every
 * version: the fixed resources and one `<resource>_<type>` per volume type; show and
 * defaults carry the project id, update does not; `?usage=true` gives each resource's
 * limit, in_use and reserved.
 */
const resources = [
  'volumes',
  'snapshots',
  'gigabytes',
  'backups',
  'backup_gigabytes',
  'per_volume_gigabytes',
  'groups',
];
const perType = '^(volumes|snapshots|gigabytes|backups)_.+$';

function quotaSet(value: TSchema, withId: boolean) {
  return Type.Object(
    { ...Object.fromEntries(resources.map((r) => [r, value])), ...(withId && { id: str }) },
    { additionalProperties: false, patternProperties: { [perType]: value } },
  );
}

const usage = strict({ limit: int, in_use: int, reserved: int });

export const quotaSetShowResponse = strict({
  quota_set: Type.Union([quotaSet(int, true), quotaSet(usage, true)]),
});

export const quotaSetDefaultsResponse = strict({ quota_set: quotaSet(int, true) });

export const quotaSetUpdateResponse = strict({ quota_set: quotaSet(int, false) });

/** Delete answers 200 with no body. */
export const quotaSetDeleteResponse = noBody;
