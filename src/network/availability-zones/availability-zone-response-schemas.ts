import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';
import { neutronResource } from '../network-response-schemas.js';

/** Neutron's availability zones (availability_zone extension); `fields=` applies, paging does not. */
export const availabilityZoneResource = neutronResource({ name: str, resource: str, state: str });

export const availabilityZoneListResponse = strict({
  availability_zones: Type.Array(availabilityZoneResource.selected),
});
