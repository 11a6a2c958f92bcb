import Type from 'typebox';
import { bool, links, nullableStr, str, strict, stringMap } from '../../common/http/response-schemas.js';

/**
 * Cinder's volume type bodies (api-ref "Volume types (types)", cinder/api/v3/views/types.py),
 * the same at every version Strata serves. extra_specs and (show and list only) qos_specs_id
 * are shown by policy; the type-access extension adds its is_public to show, list and
 * create, not to update.
 */
const typeCore = {
  id: str,
  name: str,
  is_public: bool,
  description: nullableStr,
  extra_specs: Type.Optional(stringMap),
};
const access = { 'os-volume-type-access:is_public': Type.Optional(bool) };

const withAccess = strict({ ...typeCore, qos_specs_id: Type.Optional(nullableStr), ...access });

export const volumeTypeListResponse = strict({
  volume_types: Type.Array(withAccess),
  volume_type_links: Type.Optional(links),
});

export const volumeTypeResponse = strict({ volume_type: withAccess });

export const volumeTypeCreateResponse = strict({ volume_type: strict({ ...typeCore, ...access }) });

export const volumeTypeUpdateResponse = strict({ volume_type: strict(typeCore) });

export const extraSpecsResponse = strict({ extra_specs: stringMap });

/** One spec: `{"<key>": "<value>"}`. */
export const extraSpecResponse = Type.Record(str, str, { minProperties: 1, maxProperties: 1 });

export const volumeTypeAccessResponse = strict({
  volume_type_access: Type.Array(strict({ volume_type_id: str, project_id: str })),
});
