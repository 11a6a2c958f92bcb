import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface ClientCredentials {
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  readonly regionId: string;
}

/** Writes clouds.yaml (cloud `strata`) and an openrc into the data directory, readable by the owner only. */
export function writeClientConfig(
  dataDir: string,
  c: ClientCredentials,
): { cloudsYaml: string; openrc: string } {
  const cloudsYaml = join(dataDir, 'clouds.yaml');
  const openrc = join(dataDir, 'openrc');
  const clouds = {
    clouds: {
      strata: {
        auth: {
          auth_url: c.authUrl,
          username: c.username,
          password: c.password,
          project_name: c.projectName,
          user_domain_name: 'Default',
          project_domain_name: 'Default',
        },
        region_name: c.regionId,
        interface: 'public',
        identity_api_version: 3,
      },
    },
  };
  writeFileSync(cloudsYaml, stringify(clouds), { mode: 0o600 });
  const rc = [
    `export OS_AUTH_URL=${c.authUrl}`,
    `export OS_USERNAME=${c.username}`,
    `export OS_PASSWORD='${c.password.replace(/'/g, `'\\''`)}'`,
    `export OS_PROJECT_NAME=${c.projectName}`,
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    `export OS_REGION_NAME=${c.regionId}`,
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_INTERFACE=public',
    '',
  ].join('\n');
  writeFileSync(openrc, rc, { mode: 0o600 });
  return { cloudsYaml, openrc };
}
