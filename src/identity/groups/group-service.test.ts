import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext } from '../../common/http/auth-context.js';
import { openDatabase } from '../../db/database.js';
import { flag } from '../../db/row-codec.js';
import { insertDomain } from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import { createPasswordHasher } from '../passwords/password-hash.js';
import { TokenKeyRing } from '../tokens/token-keys.js';
import { userView } from '../users/user-view.js';
import * as service from './group-service.js';
import { groupView, userGroupListView } from './group-view.js';

let deps: IdentityDeps;

const caller = (over: Partial<AuthContext> = {}): AuthContext => ({
  token: 't',
  userId: 'admin',
  userName: 'admin',
  userDomainId: 'default',
  userDomainName: 'Default',
  roles: ['admin'],
  methods: ['password'],
  auditIds: ['a'],
  issuedAt: new Date().toISOString(),
  expiresAt: new Date().toISOString(),
  unrestricted: true,
  ...over,
});

async function addUser(id: string, over: { description?: string; extra?: object } = {}): Promise<void> {
  await deps.store.db
    .insertInto('users')
    .values({
      id,
      name: `user-${id}`,
      domain_id: 'default',
      enabled: flag(true),
      password_hash: null,
      password_created_at: null,
      default_project_id: null,
      description: over.description ?? '',
      extra: JSON.stringify(over.extra ?? {}),
      options: '{}',
      created_at: new Date().toISOString(),
    })
    .execute();
}

const revocationsFor = async (userId: string) =>
  (await deps.store.db.selectFrom('revocation_events').select('id').where('user_id', '=', userId).execute())
    .length;

beforeEach(async () => {
  const store = await openDatabase(':memory:');
  const clock = () => new Date();
  deps = {
    store,
    clock,
    hasher: createPasswordHasher({ memoryKiB: 64, passes: 1 }),
    keys: new TokenKeyRing(store, clock, { rotateAfterMs: 86_400_000, maxActiveKeys: 3 }),
    settings: { tokenExpirationSec: 3600, regionId: 'RegionOne', listLimit: 0 },
  };
  const now = new Date().toISOString();
  await insertDomain(
    store.db,
    { id: 'default', name: 'Default', description: '', enabled: true, extra: {} },
    now,
  );
  await insertDomain(
    store.db,
    { id: 'other', name: 'Other', description: '', enabled: true, extra: {} },
    now,
  );
});

afterEach(async () => {
  await deps.store.close();
});

describe('group-service', () => {
  it('creates a group in the caller domain when none is given', async () => {
    const g = await service.createGroup(deps, caller({ projectDomainId: 'other' }), { name: ' devs ' });
    expect(g).toMatchObject({ name: 'devs', domainId: 'other', description: '' });
    expect(groupView(g, 'http://x/identity')).toEqual({
      id: g.id,
      name: 'devs',
      domain_id: 'other',
      description: '',
      links: { self: `http://x/identity/v3/groups/${g.id}` },
    });
  });

  it('rejects a duplicate name in one domain with 409 but allows it in another', async () => {
    await service.createGroup(deps, caller(), { name: 'devs' });
    await expect(service.createGroup(deps, caller(), { name: 'devs' })).rejects.toMatchObject({
      status: 409,
      message:
        'Conflict occurred attempting to store group - Duplicate entry found with name devs at domain ID default.',
    });
    await expect(
      service.createGroup(deps, caller(), { name: 'devs', domain_id: 'other' }),
    ).resolves.toBeDefined();
  });

  it('answers 404 for an unknown domain or group', async () => {
    await expect(service.createGroup(deps, caller(), { name: 'x', domain_id: 'nope' })).rejects.toMatchObject(
      {
        status: 404,
        message: 'Could not find domain: nope.',
      },
    );
    await expect(service.findGroup(deps, 'missing')).rejects.toMatchObject({
      status: 404,
      message: 'Could not find group: missing.',
    });
  });

  it('updates name and description but refuses a new domain', async () => {
    const g = await service.createGroup(deps, caller(), { name: 'devs', description: 'd' });
    const next = await service.updateGroup(deps, g.id, { name: 'ops', description: null });
    expect(next).toMatchObject({ name: 'ops', description: '' });
    await expect(service.updateGroup(deps, g.id, { domain_id: 'other' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(service.updateGroup(deps, g.id, { id: 'other' })).rejects.toMatchObject({ status: 400 });
  });

  it('rejects renaming onto an existing name with 409', async () => {
    await service.createGroup(deps, caller(), { name: 'a' });
    const b = await service.createGroup(deps, caller(), { name: 'b' });
    await expect(service.updateGroup(deps, b.id, { name: 'a' })).rejects.toMatchObject({ status: 409 });
  });

  it('filters lists by name and domain', async () => {
    await service.createGroup(deps, caller(), { name: 'a' });
    await service.createGroup(deps, caller(), { name: 'b', domain_id: 'other' });
    expect((await service.listGroups(deps, {})).map((g) => g.name)).toEqual(['a', 'b']);
    expect((await service.listGroups(deps, { domainId: 'other' })).map((g) => g.name)).toEqual(['b']);
    expect((await service.listGroups(deps, { name: 'a' })).map((g) => g.name)).toEqual(['a']);
  });
});

describe('group-service membership', () => {
  it('adds, checks and removes a member', async () => {
    await addUser('u1', { description: 'first', extra: { email: 'u1@example.com' } });
    const g = await service.createGroup(deps, caller(), { name: 'devs' });
    await service.addUserToGroup(deps, g.id, 'u1');
    await service.addUserToGroup(deps, g.id, 'u1');
    await expect(service.checkUserInGroup(deps, g.id, 'u1')).resolves.toBeUndefined();
    const members = await service.listUsersInGroup(deps, g.id, {});
    expect(members.map((u) => userView(u, 'http://x'))).toEqual([
      {
        id: 'u1',
        name: 'user-u1',
        domain_id: 'default',
        enabled: true,
        password_expires_at: null,
        options: {},
        description: 'first',
        email: 'u1@example.com',
        links: { self: 'http://x/v3/users/u1' },
      },
    ]);
    const groups = await service.listGroupsForUser(deps, 'u1', {});
    expect(userGroupListView(groups, 'http://x', 'http://x/v3/users/u1/groups').groups[0]).toMatchObject({
      id: g.id,
      membership_expires_at: null,
    });
    await service.removeUserFromGroup(deps, g.id, 'u1');
    expect(await revocationsFor('u1')).toBe(1);
    await expect(service.checkUserInGroup(deps, g.id, 'u1')).rejects.toMatchObject({
      status: 404,
      message: `User 'u1' not found in group '${g.id}'`,
    });
  });

  it('names the missing group or user in 404s', async () => {
    await addUser('u1');
    const g = await service.createGroup(deps, caller(), { name: 'devs' });
    await expect(service.addUserToGroup(deps, g.id, 'ghost')).rejects.toMatchObject({
      message: 'Could not find user: ghost.',
    });
    await expect(service.addUserToGroup(deps, 'nog', 'u1')).rejects.toMatchObject({
      message: 'Could not find group: nog.',
    });
    await expect(service.removeUserFromGroup(deps, g.id, 'ghost')).rejects.toMatchObject({ status: 404 });
    await expect(service.removeUserFromGroup(deps, g.id, 'u1')).rejects.toMatchObject({
      message: `User 'u1' not found in group '${g.id}'`,
    });
    await expect(service.listGroupsForUser(deps, 'ghost', {})).rejects.toMatchObject({ status: 404 });
    await expect(service.listUsersInGroup(deps, 'nog', {})).rejects.toMatchObject({ status: 404 });
  });

  it('deletes a group with its memberships and role assignments, revoking members', async () => {
    await addUser('u1');
    const g = await service.createGroup(deps, caller(), { name: 'devs' });
    await service.addUserToGroup(deps, g.id, 'u1');
    const db = deps.store.db;
    await db
      .insertInto('roles')
      .values({ id: 'r1', name: 'member', domain_id: null, description: '', options: '{}', created_at: 'x' })
      .execute();
    await db
      .insertInto('role_assignments')
      .values({ type: 'GroupProject', actor_id: g.id, target_id: 'p1', role_id: 'r1', inherited: 0 })
      .execute();
    await service.deleteGroup(deps, g.id);
    expect(await db.selectFrom('role_assignments').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('user_group_memberships').selectAll().execute()).toEqual([]);
    expect(await revocationsFor('u1')).toBe(1);
    await expect(service.deleteGroup(deps, g.id)).rejects.toMatchObject({ status: 404 });
  });
});
