import type { NetworkCaller } from './network-context.js';
import { httpBadRequest } from './network-errors.js';

/**
 * The owner of a new resource: the caller's project unless an admin names another, with
 * `tenant_id` and `project_id` agreeing (neutron-lib's populate_project_id).
 */
export function ownerOf(caller: NetworkCaller, body: Record<string, unknown>): string {
  const tenant = body['tenant_id'];
  const project = body['project_id'];
  if (tenant !== undefined && project !== undefined && tenant !== project)
    throw httpBadRequest("'project_id' and 'tenant_id' do not match");
  const named = (project ?? tenant) as string | undefined;
  if (named !== undefined && named !== caller.projectId && !caller.isAdmin)
    throw httpBadRequest(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges",
    );
  const owner = named ?? caller.projectId;
  if (owner === undefined)
    throw httpBadRequest('Running without keystone AuthN requires that tenant_id is specified');
  return owner;
}
