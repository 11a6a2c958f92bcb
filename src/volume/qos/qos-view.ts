import type { QosSpecsRecord } from './qos-store.js';

export interface QosViewContext {
  readonly serviceUrl: string;
  readonly projectId: string;
}

export function qosSpecsView(q: QosSpecsRecord) {
  return { id: q.id, name: q.name, consumer: q.consumer, specs: q.specs };
}

/** One specs with Cinder's links beside it (not inside). */
export function qosSpecsShown(c: QosViewContext, q: QosSpecsRecord) {
  return {
    qos_specs: qosSpecsView(q),
    links: [
      { rel: 'self', href: `${c.serviceUrl}/v3/${c.projectId}/qos-specs/${q.id}` },
      { rel: 'bookmark', href: `${c.serviceUrl}/${c.projectId}/qos-specs/${q.id}` },
    ],
  };
}
