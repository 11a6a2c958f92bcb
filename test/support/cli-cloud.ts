import { expect } from 'vitest';
import { OpenStackCli } from './openstack-cli.js';
import type { StrataProcess } from './strata-process.js';
import { startStrata } from './strata-process.js';

export interface CliCloud {
  readonly strata: StrataProcess;
  readonly cli: OpenStackCli;
}

/** Starts `strata up` with the real CLI pointed at it: its admin is the cloud `admin`. */
export async function startCliCloud(opts: Parameters<typeof startStrata>[0] = {}): Promise<CliCloud> {
  const strata = await startStrata(opts);
  const cli = new OpenStackCli(strata.dataDir);
  cli.setCloud('admin', strata.adminAuth);
  return { strata, cli };
}

/** Stops the cloud (a clean exit is part of the test) and removes everything it left. */
export async function stopCliCloud(strata: StrataProcess | undefined): Promise<void> {
  if (!strata) return;
  expect(await strata.stop()).toBe(0);
  await strata.cleanup();
}

/** Creates a project and a user with the member role on it, as the CLI cloud `cloud`; returns the project id. */
export async function addMemberCloud(
  { strata, cli }: CliCloud,
  member: {
    readonly project: string;
    readonly user: string;
    readonly password: string;
    readonly cloud?: string;
  },
): Promise<string> {
  const project = await cli.json<{ id: string }>('admin', ['project', 'create', member.project]);
  await cli.json('admin', ['user', 'create', '--password', member.password, member.user]);
  await cli.ok('admin', ['role', 'add', '--user', member.user, '--project', member.project, 'member']);
  cli.setCloud(member.cloud ?? 'member', {
    auth_url: strata.adminAuth['auth_url'],
    username: member.user,
    password: member.password,
    project_name: member.project,
    user_domain_name: 'Default',
    project_domain_name: 'Default',
  });
  return project.id;
}
