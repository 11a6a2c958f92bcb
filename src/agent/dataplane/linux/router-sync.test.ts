import { describe, expect, it } from 'vitest';
import { staleRouters } from './router-sync.js';

describe('router-sync', () => {
  const namespaces = ['qrouter-r1', 'qrouter-r2', 'qrouter-other', 'qdhcp-n1', 'strata-external'];

  it('removes every unwanted qrouter- namespace when the agent owns the machine', () => {
    expect(staleRouters(new Set(), namespaces, new Set(['r1']), true)).toEqual(['other', 'r2']);
  });

  it('touches only routers it set up when the host is one namespace among others', () => {
    expect(staleRouters(new Set(['r1', 'r2']), namespaces, new Set(['r1']), false)).toEqual(['r2']);
    expect(staleRouters(new Set(), namespaces, new Set(), false)).toEqual([]);
  });

  it('with a name prefix, owns exactly the qrouter- namespaces under it (orphans too), not the others', () => {
    const mixed = [...namespaces, 'h1-qrouter-r3', 'h1-qrouter-r4', 'h2-qrouter-r5'];
    expect(staleRouters(new Set(), mixed, new Set(['r3']), true, 'h1-')).toEqual(['r4']);
    // An agent without a prefix never takes a prefixed agent's namespace for its own.
    expect(staleRouters(new Set(), mixed, new Set(['r1', 'r2', 'other']), true)).toEqual([]);
  });

  it('still removes a router it set up whose namespace is already gone (idempotent removal)', () => {
    expect(staleRouters(new Set(['r9']), namespaces, new Set(), false)).toEqual(['r9']);
  });
});
