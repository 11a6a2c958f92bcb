import type { FaultDialect } from './fault-dialect.js';
import { httpTitles } from './fault-dialect.js';

/**
 * Glance v2: webob's JSON error page, `{"message": "<explanation><br /><br />\n\n\n",
 * "code": "404 Not Found", "title": "Not Found"}` — `code` is the status line, and the
 * message keeps webob's template tail because clients print it as Glance sends it.
 * A 401 comes from keystonemiddleware in front of Glance, so it has Keystone's body.
 */
export const imageFault: FaultDialect = (err) => {
  const title = httpTitles[err.status] ?? 'Error';
  if (err.status === 401) {
    return {
      status: 401,
      body: { error: { code: 401, title, message: err.message } },
      headers: err.headers,
    };
  }
  return {
    status: err.status,
    body: { message: `${err.message}<br /><br />\n\n\n`, code: `${err.status} ${title}`, title },
    headers: err.headers,
  };
};
