import Type from 'typebox';
import { novaBoolean } from '../flavors/flavor-schemas.js';

/** PUT /os-services/{enable|disable|disable-log-reason|force-down} before microversion 2.53. */
export const serviceUpdateBody = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[a-zA-Z0-9-._]*$',
      description: 'Host name of the service.',
    }),
    binary: Type.String({ minLength: 1, maxLength: 255, description: 'Service binary; only nova-compute.' }),
    disabled_reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: 'Why the host is disabled (disable-log-reason).',
      }),
    ),
    forced_down: Type.Optional(
      Type.Boolean({ description: 'force-down (2.11): mark the service down, or clear the mark.' }),
    ),
  },
  { additionalProperties: false, description: 'The service to enable, disable or force down.' },
);

/** 2.53: PUT /os-services/{service_id}; nothing is required, but something must change. */
export const serviceChangeBody = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled')])),
    disabled_reason: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    forced_down: Type.Optional(novaBoolean),
  },
  { additionalProperties: false, description: "The service's new status and forced_down mark." },
);

export const serviceListQuery = Type.Object(
  {
    host: Type.Optional(Type.String({ description: 'Only services on this host.' })),
    binary: Type.Optional(Type.String({ description: 'Only services with this binary.' })),
  },
  { additionalProperties: true },
);
