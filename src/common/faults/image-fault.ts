import type { FaultDialect } from './fault-dialect.js';
import { httpTitles } from './fault-dialect.js';

/** The tail webob's error template leaves after the explanation. */
const webobTail = '<br /><br />\n\n\n';

/**
 * Glance v2: webob's JSON error page, `{"message": "<explanation><br /><br />\n\n\n",
 * "code": "404 Not Found", "title": "Not Found"}` — `code` is the status line, and the
 * message keeps webob's template tail because clients print it as Glance sends it.
 * A 401 comes from keystonemiddleware in front of Glance, so it has Keystone's body.
 * Clients that do not ask for JSON get webob's other pages: see `imageFaultPage`.
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
    body: { message: `${err.message}${webobTail}`, code: `${err.status} ${title}`, title },
    headers: err.headers,
  };
};

export interface FaultPage {
  readonly contentType: string;
  readonly body: string;
}

/**
 * webob chooses the error page by Accept: text/html or application/json, whichever the
 * client ranks higher (HTML on a tie, so `*\/*` gets HTML), and text/plain when it accepts
 * neither or sends no Accept at all — which is what glanceclient and most SDK calls do.
 */
export function imageFaultPage(accept: string | undefined, status: number, explanation: string): FaultPage {
  const statusLine = `${status} ${httpTitles[status] ?? 'Error'}`;
  const html = quality(accept, 'text/html');
  const json = quality(accept, 'application/json');
  if (html > 0 && html >= json) {
    const body = `${escapeHtml(explanation)}${webobTail}`;
    return {
      contentType: 'text/html; charset=UTF-8',
      body: `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${body}\n </body>\n</html>`,
    };
  }
  if (json > 0) {
    const title = httpTitles[status] ?? 'Error';
    return {
      contentType: 'application/json',
      body: JSON.stringify({ message: `${explanation}${webobTail}`, code: statusLine, title }),
    };
  }
  return {
    contentType: 'text/plain; charset=UTF-8',
    body: `${statusLine}\n\n${stripTags(explanation)}\n\n   `,
  };
}

/** The q-value the most specific matching range of `accept` gives `offer` (0 when none). */
function quality(accept: string | undefined, offer: string): number {
  if (accept === undefined || accept.trim() === '') return 0;
  const [type] = offer.split('/');
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined) ?? 1);
    const specificity = range === offer ? 2 : range === `${type}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity > best.specificity) best = { specificity, q: Number.isNaN(q) ? 0 : q };
  }
  return best.q;
}

function stripTags(s: string): string {
  return s
    .replace(/[\r\n]/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '');
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}
