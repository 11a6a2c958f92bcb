import type { ServerFault } from './server-model.js';

// An absolute path of two or more segments, not part of a URL (no ':' or '/' or word before it).
const hostPath = /(?<![\w:/.~-])\/(?:[^\s/'"`,;()<>]+\/)+[^\s/'"`,;()<>]*/g;

/**
 * A fault message as tenants may read it: host paths (the data directory, caches, rootfs
 * layers) cut to their last segment. The full text stays in the fault's details, which only
 * admins see.
 */
export function withoutHostPaths(text: string): string {
  return text.replace(hostPath, (path) => {
    const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
    return last === '' ? '…' : `…/${last}`;
  });
}

/** A 500 fault from a host's failure text: the tenant-safe message, and the text itself as details. */
export function hostFailureFault(text: string, created: string): ServerFault {
  const message = withoutHostPaths(text);
  return { code: 500, message, details: message === text ? '' : text, created };
}
