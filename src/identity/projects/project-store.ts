import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Database, ProjectTable } from '../../db/schema.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';

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
  /** Keystone's `tags`: projects holding every one of these tags. */
  readonly tags?: ReadonlyArray<string>;
  /** `tags-any`: projects holding at least one. */
  readonly tagsAny?: ReadonlyArray<string>;
  /** `not-tags`: projects not holding all of them. */
  readonly notTags?: ReadonlyArray<string>;
  /** `not-tags-any`: projects holding none of them. */
  readonly notTagsAny?: ReadonlyArray<string>;
}

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
  if ([f.tags, f.tagsAny, f.notTags, f.notTagsAny].some((t) => t !== undefined))
    q = q.where((eb) => eb.and(tagConditions(eb, f)));
  return (await q.execute()).map(toProject);
}

function tagConditions(eb: ExpressionBuilder<Database, 'projects'>, f: ProjectFilter): Expression<SqlBool>[] {
  const all = (tags: ReadonlyArray<string>) => eb.and(tags.map(hasTag));
  const any = (tags: ReadonlyArray<string>) => eb.or(tags.map(hasTag));
  return [
    ...(f.tags ? [all(f.tags)] : []),
    ...(f.tagsAny ? [any(f.tagsAny)] : []),
    ...(f.notTags ? [eb.not(all(f.notTags))] : []),
    ...(f.notTagsAny ? [eb.not(any(f.notTagsAny))] : []),
  ];
}

/**
 * True when the project's JSON tag array holds `tag`, in SQL both dialects speak: with ','
 * in place of its '[' every element starts with ',"', and as a tag cannot contain ',',
 * finding ',"<tag>"' finds that whole element and nothing else.
 */
function hasTag(tag: string): Expression<SqlBool> {
  const list = sql<string>`(',' || substr(projects.tags, 2))`;
  return sql<SqlBool>`replace(${list}, ${`,${JSON.stringify(tag)}`}, '') <> ${list}`;
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

/** True when any project below `id`, at any depth, is enabled. */
export async function hasEnabledDescendant(db: Db, id: string): Promise<boolean> {
  let level = [id];
  for (let depth = 0; level.length > 0 && depth < 64; depth++) {
    const children = await db
      .selectFrom('projects')
      .select(['id', 'enabled'])
      .where('parent_id', 'in', level)
      .execute();
    if (children.some((c) => isSet(c.enabled))) return true;
    level = children.map((c) => c.id);
  }
  return false;
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
