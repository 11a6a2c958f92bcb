import { Type } from 'typebox';
import { cinderBoolean } from '../types/volume-type-schemas.js';

export const transferCreateBody = Type.Object(
  {
    transfer: Type.Object(
      {
        volume_id: Type.String({ minLength: 1, maxLength: 36, description: 'The volume to transfer.' }),
        name: Type.Optional(
          Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description: 'Name.' }),
        ),
        no_snapshots: Type.Optional(cinderBoolean('Leave the snapshots behind (3.55).')),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const transferAcceptBody = Type.Object(
  {
    accept: Type.Object(
      {
        auth_key: Type.String({ minLength: 1, maxLength: 255, description: 'The key the creator received.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
