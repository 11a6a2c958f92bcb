/**
 * Default image policy: Glance's secure-RBAC defaults under Glance's own rule names, in
 * oslo.policy syntax, so an operator's Glance policy.yaml lines apply unchanged.
 *
 * Targets follow Glance's ImageTarget: `project_id` is the image owner, `member_id` is
 * the caller's project when it sees a shared image it does not own.
 *
 * One difference in wording, not in effect: Glance's read rules also test visibility
 * (`'public':%(visibility)s`, literal-on-the-left checks the policy engine does not
 * evaluate). Glance enforces the same visibility again below policy (is_image_visible),
 * and so does Strata, before any rule runs: an image the caller may not see is a 404.
 * So the read rules here keep only the persona part.
 */
const admin = 'role:admin';
const projectMember = 'role:member and project_id:%(project_id)s';
const projectReader = 'role:reader and project_id:%(project_id)s';
const adminOrProjectMember = `${admin} or (${projectMember})`;
const adminOrReaderOrMember = `${admin} or (role:reader and (project_id:%(project_id)s or project_id:%(member_id)s))`;

export const imagePolicy: Readonly<Record<string, string>> = {
  context_is_admin: admin,

  get_images: `${admin} or (${projectReader})`,
  get_image: `${admin} or role:reader`,
  add_image: `${admin} or (${projectMember} and project_id:%(owner)s)`,
  modify_image: adminOrProjectMember,
  delete_image: adminOrProjectMember,
  publicize_image: admin,
  communitize_image: adminOrProjectMember,
  upload_image: adminOrProjectMember,
  download_image: `${admin} or role:member`,
  deactivate: adminOrProjectMember,
  reactivate: adminOrProjectMember,

  add_member: adminOrProjectMember,
  delete_member: adminOrProjectMember,
  get_member: adminOrReaderOrMember,
  get_members: adminOrReaderOrMember,
  modify_member: `${admin} or (role:member and project_id:%(member_id)s)`,

  stores_info_detail: admin,
};
