import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';

export const rbacPolicyNotFound = (id: string, objectType = 'unknown') =>
  new NotFoundError(
    'network.rbac_policy.not_found',
    `RBAC policy of type ${objectType} with ID ${id} not found`,
  );

export const rbacPolicyInUse = (objectId: string, details: string) =>
  new ConflictError(
    'network.rbac_policy.in_use',
    `RBAC policy on object ${objectId} cannot be removed because other objects depend on it.\nDetails: ${details}`,
  );

export const duplicateRbacPolicy = () =>
  new ConflictError('network.duplicate.rbac_policy', 'An RBAC policy already exists with those values.');

export const invalidActionForType = (action: string, objectType: string, valid: ReadonlyArray<string>) =>
  new InputError(
    'network.invalid_action.for_type',
    `Invalid action '${action}' for object type '${objectType}'. Valid actions: [${valid.map((a) => `'${a}'`).join(', ')}]`,
  );
