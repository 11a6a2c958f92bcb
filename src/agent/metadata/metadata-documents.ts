import { configDriveFiles } from '../config-drive/config-drive.js';
import type { WorkloadSpec } from '../drivers/driver.js';

export interface MetadataDocument {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The OpenStack versions served, as on the config drive. */
const openstackVersions = ['2018-08-27', 'latest'];
/** The EC2 versions served (cloud-init's EC2 source asks for 2009-04-04). */
const ec2Versions = ['2009-04-04', 'latest'];

/**
 * One document of the metadata service for the instance `spec`, reached from `sourceIp`, or
 * undefined for a path it does not serve. The OpenStack documents are the config drive's
 * own; the EC2 tree is built from the same spec. Directories list their entries one a line.
 */
export function metadataDocument(
  spec: WorkloadSpec,
  path: string,
  sourceIp: string,
): MetadataDocument | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return text(ec2Versions.join('\n'));
  if (parts[0] === 'openstack') return openstackDocument(spec, parts.slice(1));
  if (!ec2Versions.includes(parts[0] ?? '')) return undefined;
  if (parts.length === 1)
    return text(['meta-data/', ...(spec.userData === null ? [] : ['user-data'])].join('\n'));
  if (parts[1] === 'user-data' && parts.length === 2)
    return spec.userData === null ? undefined : octets(Buffer.from(spec.userData, 'base64'));
  if (parts[1] !== 'meta-data') return undefined;
  return ec2Document(ec2Tree(spec, sourceIp), parts.slice(2));
}

function openstackDocument(spec: WorkloadSpec, parts: string[]): MetadataDocument | undefined {
  if (parts.length === 0) return text(openstackVersions.join('\n'));
  const [version = '', name] = parts;
  if (!openstackVersions.includes(version) || parts.length > 2) return undefined;
  const files = configDriveFiles(spec);
  if (name === undefined)
    return text(
      [...files.keys()]
        .filter((k) => k.startsWith(`openstack/${version}/`))
        .map((k) => k.slice(`openstack/${version}/`.length))
        .join('\n'),
    );
  const body = files.get(`openstack/${version}/${name}`);
  if (body === undefined) return undefined;
  return name.endsWith('.json') ? { body, contentType: 'application/json' } : octets(body);
}

/** EC2's meta-data tree: a string is a leaf, an object a directory. */
type Ec2Node = string | { readonly [name: string]: Ec2Node };

function ec2Tree(spec: WorkloadSpec, sourceIp: string): Ec2Node {
  const keys: Ec2Node = spec.keyData === null ? {} : { '0': { 'openssh-key': spec.keyData } };
  return {
    'ami-id': spec.image.id,
    'ami-launch-index': String(spec.launchIndex),
    hostname: spec.hostname,
    'instance-id': spec.workloadId,
    'local-hostname': spec.hostname,
    'local-ipv4': sourceIp,
    placement: { 'availability-zone': spec.availabilityZone ?? '' },
    'public-keys': keys,
  };
}

function ec2Document(root: Ec2Node, parts: string[]): MetadataDocument | undefined {
  let node: Ec2Node | undefined = root;
  // EC2 names a key `0=<key name>` in public-keys/; the index alone is accepted too.
  for (const p of parts) node = typeof node === 'object' ? node[p.split('=')[0] ?? p] : undefined;
  if (node === undefined) return undefined;
  if (typeof node === 'string') return text(node);
  return text(
    Object.entries(node)
      .map(([k, v]) => (typeof v === 'string' ? k : `${k}/`))
      .join('\n'),
  );
}

function text(s: string): MetadataDocument {
  return { body: Buffer.from(s), contentType: 'text/plain; charset=utf-8' };
}

function octets(body: Buffer): MetadataDocument {
  return { body, contentType: 'application/octet-stream' };
}
