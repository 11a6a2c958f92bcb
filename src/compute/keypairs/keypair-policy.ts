import { adminApi } from '../compute-policy.js';

/** Nova's key pair rules: key pairs belong to a user; admins may act for any user. */
const adminOrOwner = `(${adminApi}) or user_id:%(user_id)s`;

export const keypairPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-keypairs:index': adminOrOwner,
  'os_compute_api:os-keypairs:create': adminOrOwner,
  'os_compute_api:os-keypairs:show': adminOrOwner,
  'os_compute_api:os-keypairs:delete': adminOrOwner,
};
