import type { ComponentChildren } from 'preact';
import type { Session } from '../session.js';
import { hasService, isAdmin } from '../session.js';
import { CapacityBar } from '../widgets/capacity-bar.js';
import type { ResourceTableProps } from '../widgets/resource-table.js';
import { ResourceTable } from '../widgets/resource-table.js';

type Row = Record<string, unknown>;
type TableSpec = Omit<ResourceTableProps, 'session'>;

/** A page in the navigation, shown when the session's catalog and roles allow it. */
export interface PageSpec {
  readonly route: string;
  readonly title: string;
  readonly when: (s: Session) => boolean;
  readonly render: (s: Session) => ComponentChildren;
}

const table = (route: string, when: PageSpec['when'], spec: TableSpec): PageSpec => ({
  route,
  title: spec.title,
  when,
  render: (s) => <ResourceTable key={route} session={s} {...spec} />,
});

const n = (r: Row, k: string) => Number(r[k] ?? 0);
const volumeService = (s: Session) => (hasService(s, 'volumev3') ? 'volumev3' : 'block-storage');
const withVolumes = (s: Session) => hasService(s, 'volumev3', 'block-storage');
const withNetwork = (s: Session) => hasService(s, 'network');
const admin = (s: Session) => isAdmin(s) && hasService(s, 'identity');

const sortable = (key: string, label: string) => ({ key, label, sort: true });
const plain = (key: string, label: string) => ({ key, label });

/** Flavors, the admin pages, and the network and volume pages the catalog calls for. */
export const catalogPages: ReadonlyArray<PageSpec> = [
  table('flavors', (s) => hasService(s, 'compute'), {
    title: 'Flavors',
    service: 'compute',
    path: '/flavors/detail',
    collection: 'flavors',
    style: 'sort_key',
    columns: [
      sortable('name', 'Name'),
      sortable('vcpus', 'vCPUs'),
      sortable('memory_mb', 'RAM (MiB)'),
      sortable('root_gb', 'Disk (GiB)'),
      plain('id', 'ID'),
    ].map((c) =>
      c.key === 'memory_mb'
        ? { ...c, render: (r: Row) => String(r['ram']) }
        : c.key === 'root_gb'
          ? { ...c, render: (r: Row) => String(r['disk']) }
          : c,
    ),
  }),
  table('projects', admin, {
    title: 'Projects',
    service: 'identity',
    path: '/projects',
    collection: 'projects',
    style: 'plain',
    filter: 'name',
    columns: [
      plain('name', 'Name'),
      plain('domain_id', 'Domain'),
      plain('enabled', 'Enabled'),
      plain('id', 'ID'),
    ],
  }),
  table('users', admin, {
    title: 'Users',
    service: 'identity',
    path: '/users',
    collection: 'users',
    style: 'plain',
    filter: 'name',
    columns: [
      plain('name', 'Name'),
      plain('domain_id', 'Domain'),
      plain('enabled', 'Enabled'),
      plain('id', 'ID'),
    ],
  }),
  table('groups', admin, {
    title: 'Groups',
    service: 'identity',
    path: '/groups',
    collection: 'groups',
    style: 'plain',
    filter: 'name',
    columns: [plain('name', 'Name'), plain('domain_id', 'Domain'), plain('id', 'ID')],
  }),
  table('role-assignments', admin, {
    title: 'Role assignments',
    service: 'identity',
    path: '/role_assignments?include_names=true',
    collection: 'role_assignments',
    style: 'plain',
    idKey: 'key',
    rowOf: (r) => ({ ...r, key: JSON.stringify([r['role'], r['user'], r['group'], r['scope']]) }),
    columns: [
      { key: 'role', label: 'Role', render: (r) => nameOf(r['role']) },
      { key: 'actor', label: 'User or group', render: (r) => nameOf(r['user'] ?? r['group']) },
      { key: 'scope', label: 'Scope', render: (r) => scopeOf(r['scope']) },
    ],
  }),
  table('hypervisors', (s) => isAdmin(s) && hasService(s, 'compute'), {
    title: 'Hypervisors',
    service: 'compute',
    path: '/os-hypervisors/detail',
    collection: 'hypervisors',
    style: 'plain',
    filter: 'hypervisor_hostname_pattern',
    columns: [
      plain('hypervisor_hostname', 'Host'),
      plain('state', 'State'),
      plain('status', 'Status'),
      {
        key: 'vcpus',
        label: 'vCPUs',
        render: (r) => <CapacityBar label="vCPUs used" used={n(r, 'vcpus_used')} total={n(r, 'vcpus')} />,
      },
      {
        key: 'ram',
        label: 'RAM (MiB)',
        render: (r) => (
          <CapacityBar label="RAM used" used={n(r, 'memory_mb_used')} total={n(r, 'memory_mb')} />
        ),
      },
      {
        key: 'disk',
        label: 'Disk (GiB)',
        render: (r) => (
          <CapacityBar label="Disk used" used={n(r, 'local_gb_used')} total={n(r, 'local_gb')} />
        ),
      },
      plain('running_vms', 'Instances'),
    ],
  }),
  table('resource-providers', (s) => isAdmin(s) && hasService(s, 'placement'), {
    title: 'Resource providers',
    service: 'placement',
    path: '/resource_providers',
    collection: 'resource_providers',
    idKey: 'uuid',
    style: 'plain',
    filter: 'name',
    columns: [plain('name', 'Name'), plain('uuid', 'UUID'), plain('generation', 'Generation')],
  }),
  ...networkPages(),
  ...volumePages(),
];

function networkPages(): PageSpec[] {
  const page = (route: string, title: string, collection: string, columns: TableSpec['columns']) =>
    table(route, withNetwork, {
      title,
      service: 'network',
      path: `/v2.0/${route}`,
      collection,
      style: 'sort_key',
      filter: 'name',
      columns,
    });
  return [
    page('networks', 'Networks', 'networks', [
      sortable('name', 'Name'),
      sortable('status', 'Status'),
      plain('subnets', 'Subnets'),
      plain('shared', 'Shared'),
      plain('router:external', 'External'),
    ]),
    page('subnets', 'Subnets', 'subnets', [
      sortable('name', 'Name'),
      sortable('cidr', 'CIDR'),
      plain('ip_version', 'IP version'),
      plain('gateway_ip', 'Gateway'),
      plain('network_id', 'Network'),
    ]),
    page('routers', 'Routers', 'routers', [
      sortable('name', 'Name'),
      sortable('status', 'Status'),
      {
        key: 'gw',
        label: 'External gateway',
        render: (r) => String((r['external_gateway_info'] as Row | null)?.['network_id'] ?? ''),
      },
    ]),
    page('security-groups', 'Security groups', 'security_groups', [
      sortable('name', 'Name'),
      plain('description', 'Description'),
      {
        key: 'rules',
        label: 'Rules',
        render: (r) => String((r['security_group_rules'] as unknown[] | undefined)?.length ?? 0),
      },
    ]),
    {
      ...table('floatingips', withNetwork, {
        title: 'Floating IPs',
        service: 'network',
        path: '/v2.0/floatingips',
        collection: 'floatingips',
        style: 'sort_key',
        columns: [
          sortable('floating_ip_address', 'Address'),
          sortable('status', 'Status'),
          plain('fixed_ip_address', 'Fixed IP'),
          plain('port_id', 'Port'),
        ],
      }),
    },
  ];
}

function volumePages(): PageSpec[] {
  const page = (
    route: string,
    title: string,
    collection: string,
    columns: TableSpec['columns'],
  ): PageSpec => ({
    route,
    title,
    when: withVolumes,
    render: (s) => (
      <ResourceTable
        key={route}
        session={s}
        title={title}
        service={volumeService(s)}
        path={`/${route}/detail`}
        collection={collection}
        style="cinder"
        filter="name"
        columns={columns}
      />
    ),
  });
  return [
    page('volumes', 'Volumes', 'volumes', [
      sortable('name', 'Name'),
      sortable('status', 'Status'),
      sortable('size', 'Size (GiB)'),
      plain('volume_type', 'Type'),
      {
        key: 'attached',
        label: 'Attached to',
        render: (r) =>
          ((r['attachments'] as Row[] | undefined) ?? []).map((a) => String(a['server_id'])).join(', '),
      },
    ]),
    page('snapshots', 'Volume snapshots', 'snapshots', [
      sortable('name', 'Name'),
      sortable('status', 'Status'),
      sortable('size', 'Size (GiB)'),
      plain('volume_id', 'Volume'),
    ]),
  ];
}

function nameOf(v: unknown): string {
  const o = (v ?? {}) as { name?: string; id?: string };
  return o.name ?? o.id ?? '';
}

function scopeOf(v: unknown): string {
  const scope = (v ?? {}) as Record<string, unknown>;
  if (scope['system'] !== undefined) return 'system';
  const [kind, target] = Object.entries(scope)[0] ?? ['', undefined];
  return kind === '' ? '' : `${kind}: ${nameOf(target)}`;
}
