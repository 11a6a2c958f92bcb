import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, computeVersion } from '../api.js';
import type { Server } from '../instance-model.js';
import { addressesOf } from '../instance-model.js';
import type { Session } from '../session.js';
import { endpointOf } from '../session.js';

type SortKey = 'name' | 'status' | 'created_at';
const pageSize = 20;
/** Polling keeps statuses live without reloads; a page that is not shown does not poll. */
const pollMs = 2000;

/** The project's servers: sorted, filtered and paged by the compute API's own parameters. */
export function InstancesPage({ session }: { session: Session }) {
  const compute = endpointOf(session, 'compute');
  const [servers, setServers] = useState<Server[]>([]);
  const [error, setError] = useState<string>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'created_at', dir: 'desc' });
  const [markers, setMarkers] = useState<string[]>([]);
  const [hasNext, setHasNext] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (compute === undefined) return;
    const q = new URLSearchParams({ limit: String(pageSize), sort_key: sort.key, sort_dir: sort.dir });
    if (filter !== '') q.set('name', filter);
    const marker = markers.at(-1);
    if (marker !== undefined) q.set('marker', marker);
    let live = true;
    call<{ servers: Server[]; servers_links?: Array<{ rel: string }> }>(`${compute}/servers/detail?${q}`, {
      token: session.token,
      headers: computeVersion,
    })
      .then(({ body }) => {
        if (!live) return;
        setServers(body.servers);
        setHasNext((body.servers_links ?? []).some((l) => l.rel === 'next'));
        setError(undefined);
      })
      .catch((err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)));
    const timer = setTimeout(() => setTick((n) => n + 1), pollMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [compute, session.token, filter, sort, markers, tick]);

  if (compute === undefined) return <p>This cloud has no compute service.</p>;

  const remove = async (s: Server) => {
    if (!confirm(`Delete instance ${s.name}?`)) return;
    try {
      await call(`${compute}/servers/${s.id}`, {
        method: 'DELETE',
        token: session.token,
        headers: computeVersion,
      });
      setTick((n) => n + 1);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const sortBy = (key: SortKey) =>
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" onClick={() => sortBy(key)}>
        {label}
      </button>
    </th>
  );

  return (
    <section aria-labelledby="instances-title">
      <h2 id="instances-title">Instances</h2>
      <p>
        <a href="#/instances/new" class="button">
          Launch instance
        </a>
      </p>
      <label>
        Filter by name{' '}
        <input
          type="search"
          value={filter}
          onInput={(e) => {
            setFilter((e.target as HTMLInputElement).value);
            setMarkers([]);
          }}
        />
      </label>
      {error !== undefined && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            {header('name', 'Name')}
            {header('status', 'Status')}
            <th>Addresses</th>
            {header('created_at', 'Created')}
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((s) => (
            <tr key={s.id} data-server-id={s.id}>
              <td>
                <a href={`#/instances/${s.id}`}>{s.name}</a>
              </td>
              <td class="status">{s.status}</td>
              <td>{addressesOf(s)}</td>
              <td>{s.created}</td>
              <td>
                <button type="button" onClick={() => void remove(s)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages">
        <button
          type="button"
          disabled={markers.length === 0}
          onClick={() => setMarkers((m) => m.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!hasNext}
          onClick={() => {
            const last = servers.at(-1);
            if (last !== undefined) setMarkers((m) => [...m, last.id]);
          }}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
