import type { StrataProcess } from './strata-process.js';

/** A minimal JSON client for tests that talk to a `strata up` process over real HTTP. */
export class HttpClient {
  token = '';

  constructor(readonly base: string) {}

  async login(s: StrataProcess): Promise<void> {
    const a = s.adminAuth;
    const res = await fetch(`${this.base}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: a['username'], domain: { name: 'Default' }, password: a['password'] } },
          },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`login: ${res.status}`);
    this.token = res.headers.get('x-subject-token')!;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'x-auth-token': this.token, ...(body !== undefined && { 'content-type': contentType }) },
      ...(body !== undefined && { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text === '' ? undefined : JSON.parse(text)) as T };
  }
}
