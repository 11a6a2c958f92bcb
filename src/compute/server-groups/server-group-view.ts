import type { ServerGroup } from './server-group-store.js';

/** The 2.1 shape: `policies` as a one-item list and an always-empty `metadata`. */
export function serverGroupView(g: ServerGroup, members: ReadonlyArray<string>) {
  return { id: g.id, name: g.name, policies: [g.policy], members, metadata: {} };
}
