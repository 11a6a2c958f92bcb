import Type from 'typebox';
import { descriptionString, nullable, wrapped } from '../identity-schemas.js';

// Region ids are operator-chosen names ('RegionOne'), not generated hex ids.
const regionId = Type.String({
  maxLength: 255,
  description: 'Region id, chosen by the operator or generated.',
});
const properties = {
  id: Type.Optional(regionId),
  description: Type.Optional(nullable(descriptionString)),
  parent_region_id: Type.Optional(
    nullable(Type.String({ maxLength: 255, description: 'Parent region id.' })),
  ),
};

// Keystone keeps unknown region attributes as extras; nothing is required on create.
export const regionCreateBody = wrapped('region', Type.Object(properties, { additionalProperties: true }));
export const regionUpdateBody = wrapped(
  'region',
  Type.Object(properties, { additionalProperties: true, minProperties: 1 }),
);
