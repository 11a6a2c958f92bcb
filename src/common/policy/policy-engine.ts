import { ForbiddenError } from '../errors.js';
import type { AuthContext } from '../http/auth-context.js';
import type { PolicyExpr } from './policy-rule.js';
import { parsePolicyRule } from './policy-rule.js';

/** The credential attributes rules can test, named as oslo.context names them. */
export interface PolicyCredentials {
  readonly user_id: string;
  readonly user_domain_id: string;
  readonly project_id?: string;
  readonly project_domain_id?: string;
  readonly domain_id?: string;
  readonly system_scope?: 'all';
  readonly roles: ReadonlyArray<string>;
}

/** Attributes of the object acted on; rules reach them as `%(target.project.id)s` or `%(project_id)s`. */
export type PolicyTarget = Readonly<Record<string, unknown>>;

export interface PolicyEnforcer {
  /** True when `rule` allows the caller to act on `target`. Unknown rules are denied. */
  check(rule: string, creds: PolicyCredentials, target: PolicyTarget): boolean;
  /** Throws ForbiddenError (403) naming the rule when `check` is false. */
  enforce(rule: string, creds: PolicyCredentials, target: PolicyTarget): void;
}

export function credentialsOf(auth: AuthContext): PolicyCredentials {
  return {
    user_id: auth.userId,
    user_domain_id: auth.userDomainId,
    ...(auth.projectId !== undefined && {
      project_id: auth.projectId,
      project_domain_id: auth.projectDomainId,
    }),
    ...(auth.domainId !== undefined && { domain_id: auth.domainId }),
    ...(auth.system !== undefined && { system_scope: auth.system }),
    roles: auth.roles,
  };
}

/**
 * Builds an enforcer from default rules (each service contributes its own) overlaid by
 * operator overrides. Rules are parsed once, up front, so a typo fails at start-up.
 */
export function createPolicyEnforcer(
  defaults: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> = {},
): PolicyEnforcer {
  const rules = new Map<string, PolicyExpr>();
  for (const [name, text] of Object.entries({ ...defaults, ...overrides }))
    rules.set(name, parsePolicyRule(text));

  const evaluate = (e: PolicyExpr, c: PolicyCredentials, t: PolicyTarget, depth: number): boolean => {
    switch (e.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !evaluate(e.expr, c, t, depth);
      case 'and':
        return e.items.every((i) => evaluate(i, c, t, depth));
      case 'or':
        return e.items.some((i) => evaluate(i, c, t, depth));
      case 'rule': {
        const r = rules.get(e.name);
        return r !== undefined && depth < 32 && evaluate(r, c, t, depth + 1);
      }
      case 'match':
        return matches(e.key, e.value, c, t);
    }
  };

  const check = (rule: string, creds: PolicyCredentials, target: PolicyTarget) => {
    const r = rules.get(rule);
    return r !== undefined && evaluate(r, creds, target, 0);
  };
  return {
    check,
    enforce(rule, creds, target) {
      if (!check(rule, creds, target)) {
        throw new ForbiddenError(
          'common.policy.forbidden',
          `You are not authorized to perform the requested action: ${rule}.`,
        );
      }
    },
  };
}

function matches(key: string, value: string, c: PolicyCredentials, t: PolicyTarget): boolean {
  if (key === 'role') return c.roles.some((r) => r.toLowerCase() === value.toLowerCase());
  if (key === 'field') return fieldMatches(value, t);
  const credValue = (c as unknown as Record<string, unknown>)[key];
  const template = /^%\((.+)\)s$/.exec(value);
  if (template) {
    const wanted = lookup(t, template[1]!);
    return (
      wanted !== undefined &&
      wanted !== null &&
      credValue !== undefined &&
      String(wanted) === String(credValue)
    );
  }
  // A literal on the right: `system_scope:all`, `is_admin:True`, or a target attribute test `'member':%(role.name)s`.
  if (credValue === undefined) return false;
  return String(credValue).toLowerCase() === value.toLowerCase();
}

/** `target.project.id` and `project.id` both walk the target object. */
function lookup(t: PolicyTarget, path: string): unknown {
  const parts = path.split('.');
  if (parts[0] === 'target') parts.shift();
  const flat = t[parts.join('.')];
  if (flat !== undefined) return flat;
  let cur: unknown = t;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * Neutron's FieldCheck, `field:<resource>:<attribute>=<value>` (or `=~<regex>`): a test of
 * the target's own attribute, e.g. `field:networks:shared=True`.
 */
function fieldMatches(spec: string, t: PolicyTarget): boolean {
  const m = /^[^:]+:(.+?)=(~?)(.*)$/.exec(spec);
  if (m === null) return false;
  const actual = t[m[1]!];
  if (actual === undefined || actual === null) return false;
  const text = typeof actual === 'boolean' ? (actual ? 'True' : 'False') : String(actual);
  return m[2] === '~' ? new RegExp(m[3]!).test(text) : text === m[3];
}
