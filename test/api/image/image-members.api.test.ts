import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageClient, projectUser, startImageCloud } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';

for (const dialect of testDialects()) {
  describe(`${dialect}: image members API`, () => {
    let t: TestCloud;
    let admin: string;
    let owner: ProjectUser;
    let friend: ProjectUser;
    let stranger: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    let shared: string;
    const members = (id: string, token: string) => api.call('GET', `/v2/images/${id}/members`, token);
    const listed = async (token: string, query = '') =>
      (await api.call('GET', `/v2/images${query}`, token)).json().images.map((i: { id: string }) => i.id);

    beforeAll(async () => {
      t = await startImageCloud(dialect);
      admin = await t.adminToken();
      api = imageClient(t);
      owner = await projectUser(t, admin, 'owner');
      friend = await projectUser(t, admin, 'friend');
      stranger = await projectUser(t, admin, 'stranger');
      shared = (await api.create(owner.token, { name: 'shared' })).id as string;
      expect((await api.upload(owner.token, shared, Buffer.from('shared bytes'))).statusCode).toBe(204);
    });
    afterAll(async () => t?.close());

    it('hides a shared image from projects it is not shared with', async () => {
      expect((await api.show(friend.token, shared)).statusCode).toBe(404);
      expect(await listed(friend.token)).not.toContain(shared);
    });

    it('shares with a project, which sees it at once and lists it once accepted', async () => {
      const res = await api.call('POST', `/v2/images/${shared}/members`, owner.token, {
        member: friend.projectId,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        member_id: friend.projectId,
        image_id: shared,
        status: 'pending',
        schema: '/v2/schemas/member',
      });
      expect((await api.show(friend.token, shared)).statusCode).toBe(200);
      expect(await listed(friend.token)).not.toContain(shared);
      expect(await listed(friend.token, '?member_status=pending')).toContain(shared);
      expect(await listed(friend.token, '?member_status=all')).toContain(shared);
      const accept = await api.call('PUT', `/v2/images/${shared}/members/${friend.projectId}`, friend.token, {
        status: 'accepted',
      });
      expect(accept.statusCode).toBe(200);
      expect(accept.json().status).toBe('accepted');
      expect(await listed(friend.token)).toContain(shared);
      expect((await api.download(friend.token, shared)).body).toBe('shared bytes');
      expect((await api.show(stranger.token, shared)).statusCode).toBe(404);
    });

    it('shows the owner every member and a member only itself', async () => {
      await api.call('POST', `/v2/images/${shared}/members`, owner.token, { member: stranger.projectId });
      const all = (await members(shared, owner.token)).json();
      expect(all.schema).toBe('/v2/schemas/members');
      expect(all.members.map((m: { member_id: string }) => m.member_id).sort()).toEqual(
        [friend.projectId, stranger.projectId].sort(),
      );
      const mine = (await members(shared, friend.token)).json().members;
      expect(mine.map((m: { member_id: string }) => m.member_id)).toEqual([friend.projectId]);
      const other = await api.call('GET', `/v2/images/${shared}/members/${stranger.projectId}`, friend.token);
      expect(other.statusCode).toBe(404);
      expect(other.json().message).toBe(
        `${stranger.projectId} not found in the member list of the image ${shared}.${tail}`,
      );
      expect(
        (await api.call('GET', `/v2/images/${shared}/members/${friend.projectId}`, friend.token)).statusCode,
      ).toBe(200);
    });

    it('lets only the member decide its status, and only the owner add or remove members', async () => {
      const byOwner = await api.call('PUT', `/v2/images/${shared}/members/${friend.projectId}`, owner.token, {
        status: 'rejected',
      });
      expect(byOwner.statusCode).toBe(403);
      const add = await api.call('POST', `/v2/images/${shared}/members`, friend.token, { member: 'x' });
      expect(add.statusCode).toBe(403);
      const del = await api.call('DELETE', `/v2/images/${shared}/members/${friend.projectId}`, friend.token);
      expect(del.statusCode).toBe(403);
      const wrong = await api.call('PUT', `/v2/images/${shared}/members/${friend.projectId}`, friend.token, {
        status: 'maybe',
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().message).toBe(
        `Incorrect request: Status must be "pending", "accepted" or "rejected".${tail}`,
      );
      const current = (
        await api.call('GET', `/v2/images/${shared}/members/${friend.projectId}`, friend.token)
      ).json();
      expect(current.status).toBe('accepted');
    });

    it('takes a rejected image out of the member’s list but not out of reach', async () => {
      await api.call('PUT', `/v2/images/${shared}/members/${stranger.projectId}`, stranger.token, {
        status: 'rejected',
      });
      expect(await listed(stranger.token)).not.toContain(shared);
      expect(await listed(stranger.token, '?member_status=rejected')).toContain(shared);
      expect((await api.show(stranger.token, shared)).statusCode).toBe(200);
    });

    it('refuses duplicate and malformed members', async () => {
      const dup = await api.call('POST', `/v2/images/${shared}/members`, owner.token, {
        member: friend.projectId,
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().message).toBe(`Member ${friend.projectId} is duplicated for image ${shared}${tail}`);
      const none = await api.call('POST', `/v2/images/${shared}/members`, owner.token, { nobody: 1 });
      expect(none.json().message).toBe(`Member to be added not specified${tail}`);
      const empty = await api.call('POST', `/v2/images/${shared}/members`, owner.token, { member: '' });
      expect(empty.json().message).toBe(`Member can't be empty${tail}`);
      expect((await members(shared, owner.token)).json().members).toHaveLength(2);
    });

    it('has members only for shared images', async () => {
      const priv = (await api.create(owner.token, { visibility: 'private' })).id as string;
      const add = await api.call('POST', `/v2/images/${priv}/members`, owner.token, {
        member: friend.projectId,
      });
      expect(add.statusCode).toBe(403);
      expect(add.json().message).toBe(`Not allowed to create members for image ${priv}.${tail}`);
      const list = await members(priv, owner.token);
      expect(list.statusCode).toBe(403);
      expect(list.json().message).toBe(
        `Not allowed to list members for image ${priv}: Only shared images have members.${tail}`,
      );
      const show = await api.call('GET', `/v2/images/${priv}/members/${friend.projectId}`, owner.token);
      expect(show.statusCode).toBe(404);
      const missing = await members('00000000-0000-0000-0000-000000000000', owner.token);
      expect(missing.json().message).toBe(`Image 00000000-0000-0000-0000-000000000000 not found.${tail}`);
    });

    it('stops sharing when the owner removes the member', async () => {
      expect(
        (await api.call('DELETE', `/v2/images/${shared}/members/${friend.projectId}`, owner.token))
          .statusCode,
      ).toBe(204);
      expect((await api.show(friend.token, shared)).statusCode).toBe(404);
      expect(await listed(friend.token)).not.toContain(shared);
      const again = await api.call('DELETE', `/v2/images/${shared}/members/${friend.projectId}`, owner.token);
      expect(again.statusCode).toBe(404);
    });

    it('lets readers of a member project see but not download', async () => {
      const reader = await projectUser(t, admin, 'reader', 'reader');
      await api.call('POST', `/v2/images/${shared}/members`, owner.token, { member: reader.projectId });
      expect((await api.show(reader.token, shared)).statusCode).toBe(200);
      const down = await api.download(reader.token, shared);
      expect(down.statusCode).toBe(403);
      expect(down.json().message).toBe(
        `You are not authorized to perform the requested action: download_image.${tail}`,
      );
    });
  });
}
