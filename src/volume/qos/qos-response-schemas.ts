import Type from 'typebox';
import { links, str, strict, stringMap } from '../../common/http/response-schemas.js';

/**
 * Cinder's QoS specs bodies (api-ref "Quality of service (QoS) specifications (qos-specs)",
 * cinder/api/views/qos_specs.py), the same at every version: one specs shows its links
 * beside it; update answers with the specs it was given.
 */
const qosSpecs = strict({ id: str, name: str, consumer: str, specs: stringMap });

export const qosSpecsListResponse = strict({
  qos_specs: Type.Array(qosSpecs),
  qos_specs_links: Type.Optional(links),
});

export const qosSpecsResponse = strict({ qos_specs: qosSpecs, links });

export const qosSpecsUpdateResponse = strict({ qos_specs: stringMap });

export const qosAssociationsResponse = strict({
  qos_associations: Type.Array(strict({ association_type: str, name: str, id: str })),
});
