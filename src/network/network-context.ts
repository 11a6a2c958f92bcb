import type { RequestContext } from '../common/http/route-spec.js';
import type { PolicyTarget } from '../common/policy/policy-engine.js';
import { policyNotAuthorized } from './network-errors.js';
import { networkPolicy } from './network-policy.js';

/** Who is acting, reduced to what visibility and ownership need (Neutron's context). */
export interface NetworkCaller {
  readonly projectId: string | undefined;
  readonly isAdmin: boolean;
  can(rule: string, target: PolicyTarget): boolean;
}

export function callerOf(ctx: RequestContext): NetworkCaller {
  return {
    projectId: ctx.auth.projectId,
    isAdmin: ctx.can('context_is_admin', {}),
    can: (rule, target) => ctx.can(rule, target),
  };
}

/** Throws Neutron's 403 unless `action` is allowed on `target`. */
export function enforce(caller: NetworkCaller, action: string, target: PolicyTarget): void {
  if (!caller.can(action, target)) throw policyNotAuthorized(`rule:${action}`);
}

/**
 * As enforce, for a change to an item another project shared with the caller: Neutron
 * answers 403 only to the item's owner and pretends to others that it does not exist.
 */
export function enforceOnItem(
  caller: NetworkCaller,
  action: string,
  target: PolicyTarget,
  notFound: () => Error,
) {
  if (caller.can(action, target)) return;
  if (target['project_id'] !== caller.projectId) throw notFound();
  throw policyNotAuthorized(`rule:${action}`);
}

/**
 * Checks `<action>:<attribute>` for each attribute of the request that has such a rule,
 * as Neutron does for attributes with enforce_policy, and words the 403 as Neutron does.
 */
export function enforceAttributes(
  caller: NetworkCaller,
  action: string,
  attrs: ReadonlyArray<string>,
  target: PolicyTarget,
): void {
  for (const attr of attrs) {
    const rule = `${action}:${attr}`;
    if (rule in networkPolicy && !caller.can(rule, target))
      throw policyNotAuthorized(`(rule:${action} and rule:${rule})`);
  }
}

/** Drops the attributes whose `get_<resource>:<attribute>` rule the caller fails. */
export function visibleAttributes<T extends Record<string, unknown>>(
  caller: NetworkCaller,
  resource: string,
  view: T,
  target: PolicyTarget,
): T {
  const hidden = hiddenAttributes(caller, resource, Object.keys(view), target);
  if (hidden.length === 0) return view;
  const out: Record<string, unknown> = { ...view };
  for (const key of hidden) delete out[key];
  return out as T;
}

/**
 * The attributes a list hides, decided once per distinct target rather than per row (a
 * list of ten thousand ports has few owners).
 */
export function attributeFilter(caller: NetworkCaller, resource: string) {
  const memo = new Map<string, string[]>();
  return <T extends Record<string, unknown>>(view: T, target: PolicyTarget): T => {
    const key = JSON.stringify(target);
    let hidden = memo.get(key);
    if (hidden === undefined) {
      hidden = hiddenAttributes(caller, resource, Object.keys(view), target);
      memo.set(key, hidden);
    }
    if (hidden.length === 0) return view;
    const out: Record<string, unknown> = { ...view };
    for (const k of hidden) delete out[k];
    return out as T;
  };
}

/** The attributes among `keys` whose `get_<resource>:<attribute>` rule the caller fails on `target`. */
export function hiddenAttributes(
  caller: NetworkCaller,
  resource: string,
  keys: ReadonlyArray<string>,
  target: PolicyTarget,
): string[] {
  return keys.filter((key) => {
    const rule = `get_${resource}:${key}`;
    return rule in networkPolicy && !caller.can(rule, target);
  });
}
