import type { Project } from './project-store.js';

/** Keystone's project JSON; a top-level project shows its domain as parent_id. */
export function projectView(p: Project, serviceUrl: string) {
  return {
    ...p.extra,
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: p.enabled,
    parent_id: p.parentId ?? p.domainId,
    is_domain: false,
    tags: p.tags,
    options: {},
    links: { self: `${serviceUrl}/v3/projects/${p.id}` },
  };
}

export function projectListView(projects: ReadonlyArray<Project>, serviceUrl: string, selfUrl: string) {
  return {
    projects: projects.map((p) => projectView(p, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
