import type { FaultDialect } from './fault-dialect.js';
import { httpTitles } from './fault-dialect.js';

/**
 * Neutron: `{"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}`.
 * A 401 comes from keystonemiddleware in front of Neutron, so it has Keystone's body.
 */
export const neutronFault: FaultDialect = (err) => {
  if (err.status === 401) {
    return {
      status: 401,
      body: { error: { code: 401, title: httpTitles[401], message: err.message } },
      headers: err.headers,
    };
  }
  return {
    status: err.status,
    body: { NeutronError: { ...typeAndMessage(err.code, err.message), detail: '' } },
    headers: err.headers,
  };
};

/** Errors raised below the service by the shared HTTP layer, as Neutron's web stack names them. */
const commonTypes: Readonly<Record<string, string>> = {
  'common.http.no_route': 'HTTPNotFound',
  'common.http.method_not_allowed': 'HTTPMethodNotAllowed',
  'common.http.malformed_body': 'HTTPBadRequest',
  'common.http.json_too_deep': 'HTTPBadRequest',
  'common.http.body_too_large': 'HTTPRequestEntityTooLarge',
  'common.http.uri_too_long': 'HTTPRequestURITooLong',
  'common.http.bad_url': 'HTTPBadRequest',
  'common.http.media_type': 'HTTPUnsupportedMediaType',
};

function typeAndMessage(code: string, message: string): { type: string; message: string } {
  if (code === 'common.policy.forbidden') {
    // Route-level rule checks word their 403 for every service; Neutron names the rule.
    const rule = /requested action: (.+)\.$/.exec(message)?.[1];
    if (rule !== undefined)
      return { type: 'PolicyNotAuthorized', message: `rule:${rule} is disallowed by policy` };
  }
  return { type: commonTypes[code] ?? neutronType(code), message };
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
