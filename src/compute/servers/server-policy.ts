const memberOrAdmin = 'rule:project_member_or_admin';
const readerOrAdmin = 'rule:project_reader_or_admin';

/** Nova's server rules: members act on their project's servers, readers read them. */
export const serverPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:servers:index': readerOrAdmin,
  'os_compute_api:servers:detail': readerOrAdmin,
  'os_compute_api:servers:show': readerOrAdmin,
  'os_compute_api:servers:create': memberOrAdmin,
  'os_compute_api:servers:update': memberOrAdmin,
  'os_compute_api:servers:delete': memberOrAdmin,
  'os_compute_api:servers:reboot': memberOrAdmin,
  'os_compute_api:servers:stop': memberOrAdmin,
  'os_compute_api:servers:start': memberOrAdmin,
  'os_compute_api:servers:rebuild': memberOrAdmin,
  'os_compute_api:servers:create_image': memberOrAdmin,
  'os_compute_api:servers:resize': memberOrAdmin,
  'os_compute_api:servers:confirm_resize': memberOrAdmin,
  'os_compute_api:servers:revert_resize': memberOrAdmin,
  'os_compute_api:os-pause-server:pause': memberOrAdmin,
  'os_compute_api:os-pause-server:unpause': memberOrAdmin,
  'os_compute_api:os-suspend-server:suspend': memberOrAdmin,
  'os_compute_api:os-suspend-server:resume': memberOrAdmin,
  'os_compute_api:os-lock-server:lock': memberOrAdmin,
  'os_compute_api:os-lock-server:unlock': memberOrAdmin,
  'os_compute_api:os-console-output': memberOrAdmin,
  'os_compute_api:os-instance-actions:list': readerOrAdmin,
  'os_compute_api:os-instance-actions:show': readerOrAdmin,
  'os_compute_api:server-metadata:index': readerOrAdmin,
  'os_compute_api:server-metadata:update_all': memberOrAdmin,
};
