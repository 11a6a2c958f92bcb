import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { CloudError } from '../errors.js';
import { InputError, UriTooLongError } from '../errors.js';
import { keystoneFault } from '../faults/keystone-fault.js';
import type { FaultDialect } from '../faults/fault-dialect.js';
import { requestIdHeader } from './request-id.js';

/** The part of a service plugin this needs: where it is mounted and how it words faults. */
export interface MountedFaults {
  readonly prefix: string;
  readonly fault: FaultDialect;
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before any service plugin runs
 * (a path segment over the limit, a URL that does not decode), answered in the fault
 * shape of the service whose prefix the URL is under.
 */
export function answerFrameworkError(
  services: ReadonlyArray<MountedFaults>,
): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void {
  return (err, req, reply) => {
    const dialect = services.find((s) => isUnder(req.url, s.prefix))?.fault ?? keystoneFault;
    const rendered = dialect(toCloudError(err), String(req.id));
    void reply
      .code(rendered.status)
      .headers({ ...rendered.headers, [requestIdHeader]: String(req.id) })
      .type('application/json')
      .send(rendered.body);
  };
}

function toCloudError(err: FastifyError): CloudError {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new UriTooLongError('common.http.uri_too_long', 'The request URI is too long.');
  }
  return new InputError('common.http.bad_url', 'The request URL is not valid.');
}

function isUnder(url: string, prefix: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
}
