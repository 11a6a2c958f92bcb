import { adminApi } from '../compute-policy.js';

/** Nova's rules: aggregates are the operator's, every action admin only. */
export const aggregatePolicy: Readonly<Record<string, string>> = Object.fromEntries(
  ['index', 'create', 'show', 'update', 'delete', 'add_host', 'remove_host', 'set_metadata'].map((a) => [
    `os_compute_api:os-aggregates:${a}`,
    adminApi,
  ]),
);
