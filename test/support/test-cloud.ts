import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type { ConfigInput } from '../../src/common/config.js';
import { loadConfig } from '../../src/common/config.js';
import { responseMismatch } from '../../src/common/http/service-routes.js';
import type { TestDialect } from '../../src/db/testing/dialects.js';
import { createTestDatabase } from '../../src/db/testing/dialects.js';
import { bootstrapIdentity } from '../../src/identity/bootstrap.js';
import type { Cloud } from '../../src/main.js';
import { buildCloud } from '../../src/main.js';

/** A clock tests can move forward. */
export class TestClock {
  #offsetMs = 0;
  readonly now = () => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

export interface TestCloud {
  readonly cloud: Cloud;
  readonly clock: TestClock;
  readonly adminPassword: string;
  request(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** Issues a token and returns its id (throws unless 201). */
  token(user: string, password: string, scope?: Record<string, unknown>): Promise<string>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

/** A whole cloud in-process on a fresh database of the given dialect, driven with app.inject. */
export async function startTestCloud(dialect: TestDialect, overrides: ConfigInput = {}): Promise<TestCloud> {
  const db = await createTestDatabase(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  const config = loadConfig(
    {
      dataDir,
      databaseUrl: db.url,
      passwordHashMemoryKiB: 64,
      strictErrors: true,
      strictResponses: true,
      port: 0,
      computeDriver: 'fake',
      // Never the host's kernel unless a test asks: the default (auto) picks linux as root.
      dataplane: 'fake',
      ...overrides,
    },
    {},
  );
  const clock = new TestClock();
  const cloud = await buildCloud(config, {
    log: pino({ level: process.env['STRATA_TEST_LOG'] ?? 'silent' }),
    clock: clock.now,
  });
  const adminPassword = 'admin-secret';
  await bootstrapIdentity(cloud.identity, {
    adminUser: 'admin',
    adminPassword,
    adminProject: 'admin',
    resetPassword: true,
  });
  await cloud.registerCatalog('http://127.0.0.1:5000');
  const request: TestCloud['request'] = async ({ token, headers, ...rest }) => {
    const res = await cloud.app.inject({
      ...rest,
      headers: { ...headers, ...(token !== undefined && { 'x-auth-token': token }) },
    });
    // A body that strays from its route's response schema fails the test that made the call.
    if (res.statusCode === 500 && res.body.includes(responseMismatch)) throw new Error(res.body);
    return res;
  };
  const token: TestCloud['token'] = async (
    user,
    password,
    scope = { project: { name: 'admin', domain: { id: 'default' } } },
  ) => {
    const res = await request({
      method: 'POST',
      url: '/identity/v3/auth/tokens',
      payload: passwordAuth(user, password, scope),
    });
    if (res.statusCode !== 201) throw new Error(`token for ${user}: ${res.statusCode} ${res.body}`);
    return String(res.headers['x-subject-token']);
  };
  return {
    cloud,
    clock,
    adminPassword,
    request,
    token,
    adminToken: () => token('admin', adminPassword),
    async close() {
      await cloud.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function passwordAuth(user: string, password: string, scope?: Record<string, unknown>) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: user, domain: { id: 'default' }, password } },
      },
      ...(scope !== undefined && { scope }),
    },
  };
}
