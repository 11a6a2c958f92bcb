import type { ComputeImage } from '../compute-deps.js';

// Nova's images view (deprecated proxy to the image service, up to 2.35).

const statusOf: Readonly<Record<string, string>> = {
  active: 'ACTIVE',
  queued: 'SAVING',
  saving: 'SAVING',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  killed: 'ERROR',
};

const progressOf: Readonly<Record<string, number>> = { queued: 25, saving: 50, active: 100 };

/** `serviceUrl` is the /compute root; the alternate link points at the image service beside it. */
function links(serviceUrl: string, collection: string, id: string, alternate: boolean) {
  return [
    { rel: 'self', href: `${serviceUrl}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${serviceUrl}/${collection}/${id}` },
    ...(alternate
      ? [
          {
            rel: 'alternate',
            type: 'application/vnd.openstack.image',
            href: `${serviceUrl.replace(/\/compute$/, '/image')}/images/${id}`,
          },
        ]
      : []),
  ];
}

/** Nova formats these times without fractions of a second. */
function isoSeconds(t: string): string {
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

export function imageSummaryView(i: ComputeImage, serviceUrl: string) {
  return { id: i.id, name: i.name, links: links(serviceUrl, 'images', i.id, true) };
}

export function imageDetailView(i: ComputeImage, serviceUrl: string) {
  const server = i.properties['instance_uuid'];
  const autoDisk = i.properties['auto_disk_config'];
  return {
    id: i.id,
    name: i.name,
    minRam: i.minRam,
    minDisk: i.minDisk,
    metadata: i.properties,
    created: isoSeconds(i.createdAt),
    updated: isoSeconds(i.updatedAt),
    status: statusOf[i.status] ?? 'UNKNOWN',
    progress: progressOf[i.status] ?? 0,
    'OS-EXT-IMG-SIZE:size': i.size,
    links: links(serviceUrl, 'images', i.id, true),
    ...(server !== undefined && {
      server: { id: server, links: links(serviceUrl, 'servers', server, false) },
    }),
    ...(autoDisk !== undefined && {
      'OS-DCF:diskConfig': ['1', 't', 'true', 'on', 'y', 'yes'].includes(autoDisk.toLowerCase())
        ? 'AUTO'
        : 'MANUAL',
    }),
  };
}
