import { Type } from 'typebox';

/** Cinder's flat qos_specs object: name, consumer, and any spec key with a string value. */
const flatSpecs = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
  {
    description: 'name, consumer (front-end, back-end or both) and the specs, e.g. total_iops_sec.',
  },
);

export const qosSpecsBody = Type.Object({ qos_specs: flatSpecs }, { additionalProperties: false });

export const qosDeleteKeysBody = Type.Object(
  {
    keys: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { description: 'Spec keys to remove.' }),
  },
  { additionalProperties: false },
);
