import { InputError } from '../../common/errors.js';

/** Keystone's substitution whitelist: `$(project_id)s` and friends may appear in endpoint URLs. */
const allowedKeys = new Set([
  'tenant_id',
  'project_id',
  'user_id',
  'public_bind_host',
  'admin_bind_host',
  'compute_host',
  'admin_port',
  'public_port',
  'public_endpoint',
]);

// Keystone turns `$(` into `%(` and applies Python %-formatting; these are the pieces we accept.
const piece = /%(?:%|\(([^)]*)\)s)/y;

/** Splits a template into literal text and substitution keys; undefined when it is malformed. */
function parseTemplate(url: string): Array<string | { key: string }> | undefined {
  const text = url.replaceAll('$(', '%(');
  const out: Array<string | { key: string }> = [];
  let literal = '';
  for (let i = 0; i < text.length;) {
    if (text[i] !== '%') {
      literal += text[i];
      i += 1;
      continue;
    }
    piece.lastIndex = i;
    const m = piece.exec(text);
    if (m === null) return undefined;
    if (m[1] === undefined) literal += '%';
    else {
      out.push(literal, { key: m[1] });
      literal = '';
    }
    i = piece.lastIndex;
  }
  out.push(literal);
  return out;
}

/** 400 for templates Keystone refuses: bad `%` syntax or a key outside the whitelist. */
export function checkEndpointUrl(url: string): void {
  const parts = parseTemplate(url);
  const ok = parts !== undefined && parts.every((p) => typeof p === 'string' || allowedKeys.has(p.key));
  if (!ok)
    throw new InputError(
      'identity.endpoint.invalid_url',
      `Cannot create an endpoint with an invalid URL: ${url}.`,
    );
}

/** True when the URL needs formatting per token (most do not, which keeps tokens cheap). */
export function isTemplated(url: string): boolean {
  return url.includes('%') || url.includes('$(');
}

/**
 * Fills in a template for one token; undefined when a key has no value (for example
 * `project_id` in a domain-scoped token), which drops the endpoint as Keystone does.
 */
export function formatEndpointUrl(
  url: string,
  values: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const parts = parseTemplate(url);
  if (parts === undefined) return undefined;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const v = values[p.key];
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}
