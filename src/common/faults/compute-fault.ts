import type { FaultDialect } from './fault-dialect.js';

/** Nova's fault names per status, as nova/api/openstack/wsgi.py maps webob exceptions. */
const novaFaultNames: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova (and Cinder, which shares the format): `{"itemNotFound": {"code": 404, "message": "..."}}`. */
export const computeFault: FaultDialect = (err) => ({
  status: err.status,
  body: { [novaFaultNames[err.status] ?? 'computeFault']: { code: err.status, message: err.message } },
  headers: err.headers,
});
