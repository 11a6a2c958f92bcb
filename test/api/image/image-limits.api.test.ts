import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageApi, imageClient, projectUser, startImageCloud, waitForStatus } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';
const sizeCap = 1000;

/** Files under the image store, staging and partial writes included. */
function storedFiles(t: TestCloud): string[] {
  const root = dirname(imageApi(t).imageDataPath(randomUUID()));
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

for (const dialect of testDialects()) {
  describe(`${dialect}: image size cap, ranges, media types and methods`, () => {
    let t: TestCloud;
    let alice: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    let port: number;
    beforeAll(async () => {
      t = await startImageCloud(dialect, { imageSizeCap: sizeCap });
      api = imageClient(t);
      alice = await projectUser(t, await t.adminToken(), 'alice');
      await t.cloud.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.cloud.app.server.address() as AddressInfo).port;
    });
    afterAll(async () => t?.close());

    /** A raw PUT of image data over a real socket; `send` writes the body and may cut it short. */
    function rawUpload(
      id: string,
      headers: Record<string, string>,
      send: (req: ReturnType<typeof request>) => void,
    ): Promise<{ status: number; body: string } | 'aborted'> {
      return new Promise((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'PUT',
            path: `/image/v2/images/${id}/file`,
            headers: {
              'x-auth-token': alice.token,
              'content-type': 'application/octet-stream',
              accept: 'application/json',
              ...headers,
            },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', () => resolve('aborted'));
        send(req);
      });
    }

    it('refuses data announced over the size cap with 413 before reading it', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await api.upload(alice.token, id, Buffer.alloc(sizeCap + 1));
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toBe(
        `The incoming image is too large: The provided image is too large.${tail}`,
      );
      expect((await api.show(alice.token, id)).json()).toMatchObject({ status: 'queued', size: null });
      expect(storedFiles(t)).toEqual([]);
    });

    it('stops a chunked stream at the size cap, removes what it wrote and requeues the image', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await rawUpload(id, { 'transfer-encoding': 'chunked' }, (req) => {
        for (let i = 0; i < 12; i++) req.write(Buffer.alloc(100, i));
        req.end();
      });
      expect(res).not.toBe('aborted');
      expect(res).toMatchObject({ status: 413 });
      expect(JSON.parse((res as { body: string }).body).message).toContain('The incoming image is too large');
      expect((await api.show(alice.token, id)).json()).toMatchObject({ status: 'queued', size: null });
      expect(storedFiles(t)).toEqual([]);
      // The image takes data again once it fits.
      expect((await api.upload(alice.token, id, Buffer.alloc(sizeCap, 7))).statusCode).toBe(204);
      expect((await api.show(alice.token, id)).json()).toMatchObject({ status: 'active', size: sizeCap });
      await api.call('DELETE', `/v2/images/${id}`, alice.token);
    });

    it('puts the image back to queued when the client goes away mid-upload', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await rawUpload(id, { 'content-length': '800' }, (req) => {
        req.write(Buffer.alloc(300, 1), () => setTimeout(() => req.destroy(), 50));
      });
      expect(res).toBe('aborted');
      expect(await waitForStatus(t, alice.token, id, 'queued')).toBe('queued');
      for (let i = 0; i < 50 && storedFiles(t).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(storedFiles(t)).toEqual([]);
      expect((await api.upload(alice.token, id, Buffer.alloc(10, 1))).statusCode).toBe(204);
      await api.call('DELETE', `/v2/images/${id}`, alice.token);
    });

    it('answers an unsatisfiable or malformed Range with 416 and the size', async () => {
      const id = (await api.create(alice.token)).id as string;
      expect((await api.upload(alice.token, id, Buffer.alloc(100, 5))).statusCode).toBe(204);
      for (const range of ['bytes=100-200', 'bytes=50-10', 'bytes=-0', 'pages=1-2', 'bytes=1-2,4-5']) {
        const res = await api.download(alice.token, id, { range });
        expect(res.statusCode, range).toBe(416);
        expect(res.headers['content-range'], range).toBe('bytes */100');
      }
      const suffix = await api.download(alice.token, id, { range: 'bytes=-10' });
      expect(suffix.statusCode).toBe(206);
      expect(suffix.headers['content-range']).toBe('bytes 90-99/100');
      await api.call('DELETE', `/v2/images/${id}`, alice.token);
    });

    it('reads a text body as JSON, as Glance does: malformed is 400 and creates nothing', async () => {
      const before = await api.count(alice.token);
      const text = { 'content-type': 'text/plain' };
      const res = await api.call('POST', '/v2/images', alice.token, 'name=plain', text);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe(`Malformed JSON in request body.${tail}`);
      expect(await api.count(alice.token)).toBe(before);
      const json = await api.call('POST', '/v2/images', alice.token, '{"name": "as text"}', text);
      expect(json.statusCode).toBe(201);
      expect(json.json().name).toBe('as text');
      await api.call('DELETE', `/v2/images/${json.json().id as string}`, alice.token);
    });

    it('answers a method the path does not have with 405 and Allow', async () => {
      const id = (await api.create(alice.token)).id as string;
      const res = await api.call('POST', `/v2/images/${id}`, alice.token, {});
      expect(res.statusCode).toBe(405);
      expect(res.headers['allow']).toBe('GET, HEAD, PATCH, DELETE');
      const put = await api.call('PUT', '/v2/images', alice.token, {});
      expect(put.statusCode).toBe(405);
      expect(put.headers['allow']).toBe('GET, HEAD, POST');
      expect((await api.show(alice.token, id)).statusCode).toBe(200);
    });
  });
}
