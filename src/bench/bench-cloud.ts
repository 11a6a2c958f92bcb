import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ConfigInput } from '../common/config.js';
import { loadConfig } from '../common/config.js';
import { bootstrapIdentity } from '../identity/bootstrap.js';
import type { Cloud } from '../main.js';
import { buildCloud } from '../main.js';
import { BenchHttpClient, passwordAuthBody } from './bench-http.js';

/** A whole cloud in the bench process, listening on 127.0.0.1 like `strata up`. */
export interface BenchCloud {
  readonly cloud: Cloud;
  /** The public root, e.g. http://127.0.0.1:41234; services hang below it at their prefixes. */
  readonly publicUrl: string;
  /** The identity endpoint, e.g. http://127.0.0.1:41234/identity. */
  readonly identityUrl: string;
  readonly http: BenchHttpClient;
  /** The temporary data directory (database, logs, instances/); deleted by `close`. */
  readonly dataDir: string;
  /** POST /v3/auth/tokens as admin on project admin; resolves to the token id. */
  issueAdminToken(): Promise<string>;
  close(): Promise<void>;
}

/** The admin password of every bench cloud (user admin, project admin, domain Default). */
export const adminPassword = 'bench-admin-secret';

/**
 * Builds the cloud with `strata up`'s defaults (SQLite in a temporary data directory,
 * Argon2id at 19 MiB, info logs to a file) and the same start-up sequence. STRATA_*
 * variables are ignored so the figures always describe the defaults; `settings` changes
 * only what a benchmark names (e.g. no fake host at start).
 */
export async function startBenchCloud(clients: number, settings: ConfigInput = {}): Promise<BenchCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  // The kernel's dataplane only when a benchmark names it (as root, auto would take it).
  const config = loadConfig(
    { dataplane: 'fake', ...settings, dataDir, port: 0, logFile: join(dataDir, 'strata.log') },
    {},
  );
  const cloud = await buildCloud(config);
  await bootstrapIdentity(cloud.identity, {
    adminUser: 'admin',
    adminPassword,
    adminProject: 'admin',
    resetPassword: true,
  });
  await cloud.app.listen({ host: '127.0.0.1', port: 0 });
  const publicUrl = `http://127.0.0.1:${(cloud.app.server.address() as AddressInfo).port}`;
  await cloud.registerCatalog(publicUrl);
  const identityUrl = `${publicUrl}/identity`;
  const http = new BenchHttpClient(clients);
  const body = passwordAuthBody('admin', adminPassword, 'admin', { id: 'default' });
  return {
    cloud,
    publicUrl,
    identityUrl,
    http,
    dataDir,
    async issueAdminToken() {
      const reply = await http.expect(201, {
        method: 'POST',
        url: `${identityUrl}/v3/auth/tokens`,
        json: body,
      });
      return String(reply.headers['x-subject-token']);
    },
    async close() {
      http.close();
      await cloud.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` against a fresh bench cloud and always tears the cloud down. */
export async function withBenchCloud<T>(
  clients: number,
  fn: (c: BenchCloud) => Promise<T>,
  settings: ConfigInput = {},
): Promise<T> {
  const c = await startBenchCloud(clients, settings);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
