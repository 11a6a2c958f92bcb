import type { FaultDialect } from './fault-dialect.js';

/** Cinder's fault names per status (cinder/api/openstack/wsgi.py Fault); others are computeFault. */
const cinderFaultNames: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Block storage v3: `{"itemNotFound": {"code": 404, "message": "..."}}`. */
export const volumeFault: FaultDialect = (err) => ({
  status: err.status,
  body: { [cinderFaultNames[err.status] ?? 'computeFault']: { code: err.status, message: err.message } },
  headers: err.headers,
});
