import type { Kysely, Transaction } from 'kysely';
import type { Database, ProjectTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  /** Null for a top-level project (its parent is the domain). */
  readonly parentId: string | null;
  readonly description: string;
  readonly enabled: boolean;
  readonly tags: ReadonlyArray<string>;
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface ProjectFilter {
  readonly name?: string;
  readonly domainId?: string;
  readonly parentId?: string | null;
  readonly enabled?: boolean;
  readonly ids?: ReadonlyArray<string>;
  readonly parentIds?: ReadonlyArray<string>;
  readonly tags?: ReadonlyArray<string>;
}

type Db = Kysely<Database> | Transaction<Database>;
const columns = ['id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags', 'extra'] as const;

const toProject = (r: Readonly<Omit<ProjectTable, 'created_at'>>): Project => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  parentId: r.parent_id,
  description: r.description,
  enabled: isSet(r.enabled),
  tags: parseJson(r.tags, []),
  extra: parseJson(r.extra, {}),
});

export async function getProject(db: Db, id: string): Promise<Project | undefined> {
  const r = await db.selectFrom('projects').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toProject(r);
}

export async function getProjectByName(db: Db, domainId: string, name: string): Promise<Project | undefined> {
  const r = await db
    .selectFrom('projects')
    .select(columns)
    .where('domain_id', '=', domainId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && toProject(r);
}

export async function listProjects(db: Db, f: ProjectFilter): Promise<Project[]> {
  let q = db.selectFrom('projects').select(columns).orderBy('name').orderBy('id');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.domainId !== undefined) q = q.where('domain_id', '=', f.domainId);
  if (f.parentId === null) q = q.where('parent_id', 'is', null);
  else if (f.parentId !== undefined) q = q.where('parent_id', '=', f.parentId);
  if (f.enabled !== undefined) q = q.where('enabled', '=', flag(f.enabled));
  if (f.ids !== undefined) q = f.ids.length === 0 ? q.where('id', '=', '') : q.where('id', 'in', f.ids);
  if (f.parentIds !== undefined)
    q = f.parentIds.length === 0 ? q.where('id', '=', '') : q.where('parent_id', 'in', f.parentIds);
  const rows = (await q.execute()).map(toProject);
  return f.tags === undefined ? rows : rows.filter((p) => f.tags!.every((t) => p.tags.includes(t)));
}

/** The chain of parents from the nearest up to the top-level project. */
export async function projectAncestors(db: Db, project: Project): Promise<Project[]> {
  const out: Project[] = [];
  let parentId = project.parentId;
  while (parentId !== null && out.length < 64) {
    const parent = await getProject(db, parentId);
    if (parent === undefined) break;
    out.push(parent);
    parentId = parent.parentId;
  }
  return out;
}

export async function countChildren(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom('projects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertProject(db: Db, p: Project, now: string): Promise<void> {
  await db
    .insertInto('projects')
    .values({ ...toRow(p), created_at: now })
    .execute();
}

export async function updateProject(db: Db, p: Project): Promise<void> {
  await db.updateTable('projects').set(toRow(p)).where('id', '=', p.id).execute();
}

export async function deleteProject(db: Db, id: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('target_id', '=', id).execute();
  await db.deleteFrom('projects').where('id', '=', id).execute();
}

function toRow(p: Project) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    parent_id: p.parentId,
    description: p.description,
    enabled: flag(p.enabled),
    tags: JSON.stringify(p.tags),
    extra: JSON.stringify(p.extra),
  };
}
