import { loadRecentActions } from '../recent-actions.js';
import type { Session } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from '../widgets/error-alert.js';

/** The overview's latest instance actions across the project's servers, newest first. */
export function RecentActionsPanel({ session, everyMs }: { session: Session; everyMs: number }) {
  const recent = usePoll(() => loadRecentActions(session), [session.token], everyMs);
  const rows = recent.data ?? [];
  return (
    <section aria-labelledby="recent-actions-title">
      <h3 id="recent-actions-title">Recent instance actions</h3>
      <ErrorAlert error={recent.error} />
      {recent.data !== undefined && rows.length === 0 && <p>No instance actions yet.</p>}
      <table aria-labelledby="recent-actions-title">
        <thead>
          <tr>
            <th scope="col">Action</th>
            <th scope="col">Instance</th>
            <th scope="col">Started</th>
            <th scope="col">User / request</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.requestId} class="recent-action">
              <td>{a.action}</td>
              <td>
                <a href={`#/instances/${encodeURIComponent(a.server.id)}`}>{a.server.name}</a>
              </td>
              <td>
                <time dateTime={a.startTime}>{a.startTime}</time>
              </td>
              <td>
                {a.userId}
                <br />
                <small>{a.requestId}</small>
              </td>
              <td>{[a.result, a.message].filter((w) => w).join(': ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
