import type { FaultDialect } from './fault-dialect.js';
import { httpTitles } from './fault-dialect.js';

/** Keystone: `{"error": {"code": 404, "title": "Not Found", "message": "..."}}`. */
export const keystoneFault: FaultDialect = (err) => ({
  status: err.status,
  body: { error: { code: err.status, title: httpTitles[err.status] ?? 'Error', message: err.message } },
  headers: err.headers,
});
