import Type from 'typebox';

// A query parameter given once is a string, given again an array; Nova reads the first.
const param = (description: string) =>
  Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));

const start = param(
  'Start of the period, UTC: 2026-11-22T10:00:00, optionally with .ffffff, or "2026-11-22 10:00:00.ffffff" (default: now).',
);
const end = param(
  'End of the period (exclusive), same formats as start (default: now; later than now means now).',
);

/** GET /os-simple-tenant-usage; other parameters are ignored, as Nova ignores them before 2.75. */
export const usageListQuery = Type.Object(
  {
    start,
    end,
    detailed: param("1 adds each server's usage (server_usages); anything else leaves it out."),
    limit: param('2.40: at most this many servers (default and cap 1000).'),
    marker: param('2.40: the last server id of the previous page.'),
  },
  { additionalProperties: true },
);

/** GET /os-simple-tenant-usage/{tenant_id}: always detailed. */
export const usageShowQuery = Type.Object(
  {
    start,
    end,
    limit: param('2.40: at most this many servers (default and cap 1000).'),
    marker: param('2.40: the last server id of the previous page.'),
  },
  { additionalProperties: true },
);
