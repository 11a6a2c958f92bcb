import type { FaultDialect } from './fault-dialect.js';

/** Neutron: `{"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}`. */
export const neutronFault: FaultDialect = (err) => ({
  status: err.status,
  body: { NeutronError: { type: neutronType(err.code), message: err.message, detail: '' } },
  headers: err.headers,
});

/** 'network.network.not_found' -> 'NetworkNotFound', the exception class name Neutron reports. */
function neutronType(code: string): string {
  const parts = code.split('.').slice(-2);
  return parts
    .join('_')
    .split('_')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}
