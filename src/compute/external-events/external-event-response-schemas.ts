import Type from 'typebox';
import { int, str, strict } from '../../common/http/response-schemas.js';

/**
 * POST /os-server-external-events (api-ref "Create external events"): each event echoed with
 * its outcome, 200 or 207 alike; `tag` only when the event named one. 2.51 adds the name
 * volume-extended, not a field.
 */
export const externalEventsResponse = strict({
  events: Type.Array(
    strict({
      name: str,
      server_uuid: str,
      status: Type.Union([Type.Literal('failed'), Type.Literal('completed'), Type.Literal('in-progress')]),
      code: int,
      tag: Type.Optional(str),
    }),
  ),
});
