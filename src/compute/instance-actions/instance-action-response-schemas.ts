import Type from 'typebox';
import { byMicroversion, links, nullableStr, str, strict } from '../../common/http/response-schemas.js';

/**
 * Nova's instance actions (api-ref "Servers actions"): `updated_at` and paging from 2.58;
 * events only for callers the events rule allows (everyone from 2.51), with tracebacks for
 * admins. 2.62's event host fields are above Strata's ceiling.
 */

function action(since: (v: string) => boolean) {
  return {
    action: str,
    instance_uuid: str,
    message: nullableStr,
    project_id: str,
    request_id: str,
    start_time: str,
    user_id: str,
    ...(since('2.58') && { updated_at: str }),
  };
}

const event = strict({
  event: str,
  start_time: str,
  finish_time: nullableStr,
  result: nullableStr,
  traceback: Type.Optional(nullableStr),
});

export const instanceActionListResponse = byMicroversion(['2.58'], (since) =>
  strict({
    instanceActions: Type.Array(strict(action(since))),
    // Nova names the next-page link list plain `links` here.
    ...(since('2.58') && { links: Type.Optional(links) }),
  }),
);

export const instanceActionShowResponse = byMicroversion(['2.58'], (since) =>
  strict({ instanceAction: strict({ ...action(since), events: Type.Optional(Type.Array(event)) }) }),
);
