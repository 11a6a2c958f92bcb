import type { FaultDialect } from './fault-dialect.js';

/** Neutron: `{"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}`. */
export const neutronFault: FaultDialect = (err) => {
  const denied = err.code === 'common.policy.forbidden' ? policyRule(err.message) : undefined;
  return {
    status: err.status,
    body: {
      NeutronError:
        denied !== undefined
          ? { type: 'PolicyNotAuthorized', message: `rule:${denied} is disallowed by policy`, detail: '' }
          : { type: neutronType(err.code), message: err.message, detail: '' },
    },
    headers: err.headers,
  };
};

/** The rule a route-level policy check named (common/policy words it for every service). */
function policyRule(message: string): string | undefined {
  return /requested action: (.+)\.$/.exec(message)?.[1];
}

/** 'network.network.not_found' -> 'NetworkNotFound', the exception class name Neutron reports. */
function neutronType(code: string): string {
  const parts = code.split('.').slice(-2);
  return parts
    .join('_')
    .split('_')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}
