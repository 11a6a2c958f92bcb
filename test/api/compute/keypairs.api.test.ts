import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas } from './compute-api-fixtures.js';

const wire = (...parts: Buffer[]) =>
  Buffer.concat(
    parts.flatMap((b) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return [len, b];
    }),
  );

/** OpenSSH one-line public keys made with node:crypto, and their MD5 fingerprints. */
function sshKey(kind: 'ed25519' | 'ecdsa' | 'rsa'): { line: string; fingerprint: string } {
  let blob: Buffer;
  if (kind === 'ed25519') {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    blob = wire(Buffer.from('ssh-ed25519'), Buffer.from(jwk.x!, 'base64url'));
  } else if (kind === 'ecdsa') {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const q = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]);
    blob = wire(Buffer.from('ecdsa-sha2-nistp256'), Buffer.from('nistp256'), q);
  } else {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const n = Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n!, 'base64url')]);
    blob = wire(Buffer.from('ssh-rsa'), Buffer.from(jwk.e!, 'base64url'), n);
  }
  const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString();
  const md5 = createHash('md5').update(blob).digest('hex');
  return { line: `${type} ${blob.toString('base64')} me@host`, fingerprint: md5.match(/../g)!.join(':') };
}

for (const dialect of testDialects()) {
  describe(`${dialect}: compute keypairs API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const namesOf = async (token: string) =>
      (await call('GET', '/os-keypairs', token))
        .json()
        .keypairs.map((k: { keypair: { name: string } }) => k.keypair.name);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
    });
    afterAll(async () => t?.close());

    it('generates an RSA key pair and returns the private key once', async () => {
      const res = await call('POST', '/os-keypairs', p.member, { keypair: { name: 'generated' } });
      expect(res.statusCode).toBe(200);
      const k = res.json().keypair;
      expect(Object.keys(k).sort()).toEqual(['fingerprint', 'name', 'private_key', 'public_key', 'user_id']);
      expect(k.user_id).toBe(p.memberUserId);
      expect(k.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
      expect(k.public_key).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E\S+ \S+$/);
      const blob = Buffer.from(k.public_key.split(' ')[1], 'base64');
      expect(k.fingerprint).toBe(createHash('md5').update(blob).digest('hex').match(/../g)!.join(':'));
      // The private key is the pair of the public key.
      const fromPrivate = createPublicKey(createPrivateKey(k.private_key)).export({ format: 'jwk' });
      expect(Buffer.from(fromPrivate.n!, 'base64url').toString('hex')).toBe(
        blob.subarray(-256).toString('hex'),
      );
      const shown = (await call('GET', '/os-keypairs/generated', p.member)).json().keypair;
      expect(shown).toMatchObject({
        name: 'generated',
        public_key: k.public_key,
        fingerprint: k.fingerprint,
        deleted: false,
        deleted_at: null,
        updated_at: null,
      });
      expect(shown.private_key).toBeUndefined();
      expect(shown.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      // Nova's show is its row: the integer id and the soft-delete columns beside the key.
      expect(Object.keys(shown).sort()).toEqual([
        'created_at',
        'deleted',
        'deleted_at',
        'fingerprint',
        'id',
        'name',
        'public_key',
        'updated_at',
        'user_id',
      ]);
      expect(Number.isInteger(shown.id)).toBe(true);
    });

    it('shows each key pair with its own integer id, the same on every read', async () => {
      const idOf = async (name: string, token = p.member) =>
        (await call('GET', `/os-keypairs/${name}`, token)).json().keypair.id as number;
      await call('POST', '/os-keypairs', p.member, {
        keypair: { name: 'numbered', public_key: sshKey('ed25519').line },
      });
      const first = await idOf('generated');
      const second = await idOf('numbered');
      expect(second).toBeGreaterThan(first);
      expect(await idOf('numbered')).toBe(second);
      expect((await call('DELETE', '/os-keypairs/numbered', p.member)).statusCode).toBe(202);
    });

    it.each(['ed25519', 'ecdsa', 'rsa'] as const)(
      'imports an %s public key with its MD5 fingerprint',
      async (kind) => {
        const key = sshKey(kind);
        const res = await call('POST', '/os-keypairs', p.member, {
          keypair: { name: `imported-${kind}`, public_key: key.line },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().keypair).toEqual({
          name: `imported-${kind}`,
          public_key: key.line,
          fingerprint: key.fingerprint,
          user_id: p.memberUserId,
        });
      },
    );

    it('lists only the caller’s own key pairs, in the 2.1 shape', async () => {
      const list = (await call('GET', '/os-keypairs', p.member)).json().keypairs;
      expect(Object.keys(list[0].keypair).sort()).toEqual(['fingerprint', 'name', 'public_key']);
      expect(await namesOf(p.member)).toEqual([
        'generated',
        'imported-ecdsa',
        'imported-ed25519',
        'imported-rsa',
      ]);
      expect(await namesOf(p.other)).toEqual([]);
      expect((await call('GET', '/os-keypairs/generated', p.other)).statusCode).toBe(404);
      expect((await call('DELETE', '/os-keypairs/generated', p.other)).statusCode).toBe(404);
      // Another user may reuse the name.
      expect(
        (
          await call('POST', '/os-keypairs', p.other, {
            keypair: { name: 'generated', public_key: sshKey('ed25519').line },
          })
        ).statusCode,
      ).toBe(200);
    });

    it('deletes with 202, then answers 404', async () => {
      await call('POST', '/os-keypairs', p.member, {
        keypair: { name: 'short-lived', public_key: sshKey('ed25519').line },
      });
      expect((await call('DELETE', '/os-keypairs/short-lived', p.member)).statusCode).toBe(202);
      const res = await call('GET', '/os-keypairs/short-lived', p.member);
      expect(res.json()).toEqual({
        itemNotFound: { code: 404, message: `Keypair short-lived not found for user ${p.memberUserId}` },
      });
    });

    it('2.2: shows type, takes type, answers 201 and 204; a bad certificate and too-new fields are refused', async () => {
      const at = (
        v: string,
        method: 'GET' | 'POST' | 'DELETE',
        url: string,
        token: string,
        payload?: object,
      ) =>
        t.request({
          method,
          url: `/compute/v2.1${url}`,
          token,
          headers: { 'openstack-api-version': `compute ${v}` },
          ...(payload && { payload }),
        });
      const key = sshKey('ed25519').line;
      const created = await at('2.2', 'POST', '/os-keypairs', p.member, {
        keypair: { name: 'typed', public_key: key, type: 'ssh' },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().keypair.type).toBe('ssh');
      expect((await at('2.2', 'GET', '/os-keypairs/typed', p.member)).json().keypair.type).toBe('ssh');
      expect((await at('2.1', 'GET', '/os-keypairs/typed', p.member)).json().keypair).not.toHaveProperty(
        'type',
      );
      const listed = (await at('2.2', 'GET', '/os-keypairs', p.member)).json().keypairs;
      expect(listed.find((k: { keypair: { name: string } }) => k.keypair.name === 'typed').keypair.type).toBe(
        'ssh',
      );
      const old = await at('2.1', 'POST', '/os-keypairs', p.member, {
        keypair: { name: 'old', public_key: key, type: 'ssh' },
      });
      expect(old.statusCode).toBe(400);
      expect(old.json().badRequest.message).toContain("'type' was unexpected");
      const notCert = await at('2.2', 'POST', '/os-keypairs', p.member, {
        keypair: { name: 'cert', type: 'x509', public_key: key },
      });
      expect(notCert.statusCode).toBe(400);
      expect(notCert.json().badRequest.message).toContain('Keypair data is invalid');
      expect(await namesOf(p.member)).not.toContain('old');
      expect(await namesOf(p.member)).not.toContain('cert');
      expect((await at('2.2', 'DELETE', '/os-keypairs/typed', p.member)).statusCode).toBe(204);
    });

    it('2.2: x509 pairs are generated (a self-signed client certificate) or imported, with the SHA-1 fingerprint', async () => {
      const post = (keypair: object) =>
        t.request({
          method: 'POST',
          url: '/compute/v2.1/os-keypairs',
          token: p.member,
          headers: { 'openstack-api-version': 'compute 2.2' },
          payload: { keypair },
        });
      const made = await post({ name: 'winrm', type: 'x509' });
      expect(made.statusCode, made.body).toBe(201);
      const k = made.json().keypair;
      expect(Object.keys(k).sort()).toEqual([
        'fingerprint',
        'name',
        'private_key',
        'public_key',
        'type',
        'user_id',
      ]);
      expect(k.type).toBe('x509');
      expect(k.private_key).toContain('PRIVATE KEY');
      const cert = new X509Certificate(k.public_key);
      expect(cert.subject).toBe(`CN=${p.memberUserId}`);
      expect(k.fingerprint).toBe(createHash('sha1').update(cert.raw).digest('hex').match(/../g)!.join(':'));
      const imported = await post({ name: 'winrm-copy', type: 'x509', public_key: k.public_key });
      expect(imported.statusCode, imported.body).toBe(201);
      expect(imported.json().keypair).not.toHaveProperty('private_key');
      expect(imported.json().keypair.fingerprint).toBe(k.fingerprint);
      const shown = await t.request({
        method: 'GET',
        url: '/compute/v2.1/os-keypairs/winrm-copy',
        token: p.member,
        headers: { 'openstack-api-version': 'compute 2.2' },
      });
      expect(shown.json().keypair).toMatchObject({ type: 'x509', public_key: k.public_key });
    });

    it('2.10: an admin manages another user’s key pairs by user_id; a member may not', async () => {
      const at = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
        t.request({
          method,
          url: `/compute/v2.1${url}`,
          token,
          headers: { 'openstack-api-version': 'compute 2.10' },
          ...(payload && { payload }),
        });
      const made = await at('POST', '/os-keypairs', p.admin, {
        keypair: { name: 'for-cara', public_key: sshKey('ed25519').line, user_id: p.memberUserId },
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json().keypair.user_id).toBe(p.memberUserId);
      expect(await namesOf(p.member)).toContain('for-cara');
      const shown = await at('GET', `/os-keypairs/for-cara?user_id=${p.memberUserId}`, p.admin);
      expect(shown.json().keypair.user_id).toBe(p.memberUserId);
      const names = (await at('GET', `/os-keypairs?user_id=${p.memberUserId}`, p.admin)).json().keypairs;
      expect(names.map((k: { keypair: { name: string } }) => k.keypair.name)).toContain('for-cara');
      expect((await at('GET', `/os-keypairs?user_id=${p.memberUserId}`, p.other)).statusCode).toBe(403);
      const before = await t.request({
        method: 'POST',
        url: '/compute/v2.1/os-keypairs',
        token: p.admin,
        headers: { 'openstack-api-version': 'compute 2.9' },
        payload: { keypair: { name: 'nope', user_id: p.memberUserId } },
      });
      expect(before.statusCode).toBe(400);
      expect(
        (await at('DELETE', `/os-keypairs/for-cara?user_id=${p.memberUserId}`, p.admin)).statusCode,
      ).toBe(204);
      expect(await namesOf(p.member)).not.toContain('for-cara');
    });

    it('2.35: pages the list by limit and marker, in name order', async () => {
      const get = (v: string, url: string) =>
        t.request({
          method: 'GET',
          url: `/compute/v2.1${url}`,
          token: p.reader,
          headers: { 'openstack-api-version': `compute ${v}` },
        });
      for (const name of ['page-c', 'page-a', 'page-b'])
        expect((await call('POST', '/os-keypairs', p.reader, { keypair: { name } })).statusCode).toBe(200);
      const names = (body: { keypairs: Array<{ keypair: { name: string } }> }) =>
        body.keypairs.map((k) => k.keypair.name);
      const all = names((await get('2.35', '/os-keypairs')).json());
      expect(all).toEqual([...all].sort());
      const first = (await get('2.35', '/os-keypairs?limit=2')).json();
      expect(names(first)).toEqual(all.slice(0, 2));
      const next = first.keypairs_links[0].href.replace(/^.*\/compute\/v2\.1/, '');
      expect(next).toContain(`marker=${all[1]}`);
      expect(names((await get('2.35', next)).json())).toEqual(all.slice(2, 4));
      expect(names((await get('2.34', '/os-keypairs?limit=1')).json())).toEqual(all);
      const missing = await get('2.35', '/os-keypairs?marker=missing');
      expect(missing.statusCode).toBe(400);
      expect(missing.json().badRequest.message).toBe('Marker missing could not be found.');
    });

    it('enforces the key_pairs quota with 403', async () => {
      const put = await call('PUT', `/os-quota-sets/${p.otherProjectId}`, p.admin, {
        quota_set: { key_pairs: 1 },
      });
      expect(put.statusCode).toBe(200);
      const res = await call('POST', '/os-keypairs', p.other, { keypair: { name: 'one-too-many' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().forbidden.message).toBe('Quota exceeded, too many key pairs.');
      expect(await namesOf(p.other)).toEqual(['generated']);
      await call('DELETE', `/os-quota-sets/${p.otherProjectId}`, p.admin);
    });

    const bad: ReadonlyArray<readonly [string, object, number, string | RegExp]> = [
      [
        'a duplicate name',
        { name: 'generated', public_key: sshKey('ed25519').line },
        409,
        "Key pair 'generated' already exists.",
      ],
      [
        'garbage key',
        { name: 'bad1', public_key: 'ssh-rsa not-base64!' },
        400,
        'Keypair data is invalid: failed to generate fingerprint',
      ],
      [
        'a type mismatch',
        { name: 'bad2', public_key: sshKey('ed25519').line.replace('ssh-ed25519', 'ssh-rsa') },
        400,
        'Keypair data is invalid: failed to generate fingerprint',
      ],
      [
        'a truncated key',
        { name: 'bad3', public_key: `ssh-ed25519 ${Buffer.from('short').toString('base64')}` },
        400,
        'Keypair data is invalid: failed to generate fingerprint',
      ],
      [
        'an unsupported type',
        { name: 'bad4', public_key: 'ssh-dss AAAAB3NzaC1kc3M= x' },
        400,
        'Keypair data is invalid: failed to generate fingerprint',
      ],
      [
        'bad name characters',
        { name: 'no/slash' },
        400,
        "An invalid 'name' value was provided. The name must be: Only expected characters: [_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]",
      ],
      [
        'a padded name',
        { name: ' pad' },
        400,
        "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
      ],
      ['an empty name', { name: '' }, 400, /keypair\/name/],
      ['an unknown field', { name: 'x', type: 'ssh' }, 400, /'type' was unexpected/],
    ];

    it.each(bad)('refuses %s and writes nothing', async (_label, keypair, status, message) => {
      const before = await namesOf(p.member);
      const res = await call('POST', '/os-keypairs', p.member, { keypair });
      expect(res.statusCode, res.body).toBe(status);
      const fault = Object.values(res.json())[0] as { code: number; message: string };
      expect(fault.code).toBe(status);
      if (typeof message === 'string') expect(fault.message).toBe(message);
      else expect(fault.message).toMatch(message);
      expect(await namesOf(p.member)).toEqual(before);
    });
  });
}
