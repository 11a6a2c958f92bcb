import { InputError, NotFoundError } from '../../common/errors.js';
import type { IdentityDeps } from '../identity-deps.js';
import { findProject, updateProject } from './project-service.js';

/** Keystone's limit on tags per project (resource/schema.py). */
const maxTags = 80;

function tagNotFound(tag: string): NotFoundError {
  return new NotFoundError('identity.project_tag.not_found', `Could not find project tag: ${tag}.`);
}

/** A tag named in the URL gets the body schema's rules: 1 to 255 characters, no ',' or '/'. */
function checkTag(tag: string): void {
  if (tag.length === 0 || tag.length > 255 || /[,/]/.test(tag)) {
    throw new InputError('identity.project_tag.invalid', `Invalid input for field 'tags': '${tag}'.`);
  }
}

export async function listProjectTags(deps: IdentityDeps, projectId: string): Promise<readonly string[]> {
  return (await findProject(deps, projectId)).tags;
}

/** PUT /tags replaces the whole list (the body schema has checked each tag and the count). */
export async function replaceProjectTags(
  deps: IdentityDeps,
  projectId: string,
  tags: string[],
): Promise<readonly string[]> {
  return (await updateProject(deps, projectId, { tags })).tags;
}

/** Adding a tag the project already has changes nothing, as in Keystone. */
export async function addProjectTag(deps: IdentityDeps, projectId: string, tag: string): Promise<void> {
  checkTag(tag);
  const tags = await listProjectTags(deps, projectId);
  if (tags.includes(tag)) return;
  if (tags.length >= maxTags) {
    throw new InputError('identity.project_tag.too_many', `A project may have at most ${maxTags} tags.`);
  }
  await updateProject(deps, projectId, { tags: [...tags, tag] });
}

export async function checkProjectTag(deps: IdentityDeps, projectId: string, tag: string): Promise<void> {
  if (!(await listProjectTags(deps, projectId)).includes(tag)) throw tagNotFound(tag);
}

export async function removeProjectTag(deps: IdentityDeps, projectId: string, tag: string): Promise<void> {
  const tags = await listProjectTags(deps, projectId);
  if (!tags.includes(tag)) throw tagNotFound(tag);
  await updateProject(deps, projectId, { tags: tags.filter((t) => t !== tag) });
}
