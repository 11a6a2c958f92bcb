import { useState } from 'preact/hooks';
import { serviceCall } from '../api.js';
import type { Server } from '../instance-model.js';
import { addressesOf } from '../instance-model.js';
import type { Session } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from '../widgets/error-alert.js';
import { SerialConsole } from '../widgets/serial-console.js';
import { InstanceActions } from './instance-actions.js';

interface InstanceAction {
  request_id: string;
  action: string;
  start_time: string;
  message: string | null;
  user_id: string;
}

const pollMs = 2000;

/** One server: live status, its actions, console log, action history and serial console. */
export function InstanceDetailPage({ session, serverId }: { session: Session; serverId: string }) {
  const server = usePoll(
    async () => (await serviceCall<{ server: Server }>(session, 'compute', `/servers/${serverId}`)).server,
    [session.token, serverId],
    pollMs,
  );
  const s = server.data;
  return (
    <section aria-labelledby="instance-title">
      <p>
        <a href="#/instances">← Instances</a>
      </p>
      <h2 id="instance-title">Instance {s?.name ?? serverId}</h2>
      <ErrorAlert error={server.error} />
      {s !== undefined && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd class="status">{s.status}</dd>
            <dt>Task</dt>
            <dd>{s['OS-EXT-STS:task_state'] ?? '—'}</dd>
            <dt>Flavor</dt>
            <dd>{s.flavor?.original_name ?? ''}</dd>
            <dt>Key pair</dt>
            <dd>{s.key_name ?? '—'}</dd>
            <dt>Addresses</dt>
            <dd>{addressesOf(s) || '—'}</dd>
            <dt>ID</dt>
            <dd>{s.id}</dd>
            {s.fault !== undefined && (
              <>
                <dt>Fault</dt>
                <dd class="error">{s.fault.message}</dd>
              </>
            )}
          </dl>
          <InstanceActions session={session} server={s} onDone={server.refresh} />
          <ConsoleLog session={session} serverId={serverId} />
          <SerialConsoleSection session={session} serverId={serverId} />
          <ActionHistory session={session} serverId={serverId} />
        </>
      )}
    </section>
  );
}

function ConsoleLog({ session, serverId }: { session: Session; serverId: string }) {
  const log = usePoll(
    async () =>
      (
        await serviceCall<{ output: string }>(session, 'compute', `/servers/${serverId}/action`, {
          method: 'POST',
          body: { 'os-getConsoleOutput': { length: 100 } },
        })
      ).output,
    [session.token, serverId],
  );
  return (
    <section aria-labelledby="console-log-title">
      <h3 id="console-log-title">Console log</h3>
      <button type="button" onClick={log.refresh}>
        Refresh log
      </button>
      <ErrorAlert error={log.error} />
      <pre class="console-log" aria-label="Console log output">
        {log.data ?? ''}
      </pre>
    </section>
  );
}

function SerialConsoleSection({ session, serverId }: { session: Session; serverId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="serial-title">
      <h3 id="serial-title">Serial console</h3>
      <button type="button" onClick={() => setOpen((o) => !o)}>
        {open ? 'Close serial console' : 'Open serial console'}
      </button>
      {open && <SerialConsole session={session} serverId={serverId} />}
    </section>
  );
}

function ActionHistory({ session, serverId }: { session: Session; serverId: string }) {
  const history = usePoll(
    async () =>
      (
        await serviceCall<{ instanceActions: InstanceAction[] }>(
          session,
          'compute',
          `/servers/${serverId}/os-instance-actions`,
        )
      ).instanceActions,
    [session.token, serverId],
    5000,
  );
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">Action history</h3>
      <ErrorAlert error={history.error} />
      <table>
        <thead>
          <tr>
            <th>Action</th>
            <th>Started</th>
            <th>Message</th>
            <th>Request</th>
          </tr>
        </thead>
        <tbody>
          {(history.data ?? []).map((a) => (
            <tr key={a.request_id} class="instance-action">
              <td>{a.action}</td>
              <td>{a.start_time}</td>
              <td>{a.message ?? ''}</td>
              <td>{a.request_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
