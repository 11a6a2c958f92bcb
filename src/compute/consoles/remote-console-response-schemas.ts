import { str, strict } from '../../common/http/response-schemas.js';

/** POST /servers/{id}/remote-consoles (api-ref "Server consoles", 2.6+). */
export const remoteConsoleResponse = strict({
  remote_console: strict({ protocol: str, type: str, url: str }),
});
