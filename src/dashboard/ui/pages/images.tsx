import { useState } from 'preact/hooks';
import { errorText, serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { ErrorAlert } from '../widgets/error-alert.js';
import { ResourceTable } from '../widgets/resource-table.js';
import { ImageUpload } from './image-upload.js';

type Row = Record<string, unknown>;
const patchType = { 'content-type': 'application/openstack-images-v2.1-json-patch' };

/** Images: Glance's list (sort_key/sort_dir, limit/marker), upload, edit, delete. */
export function ImagesPage({ session }: { session: Session }) {
  const [editing, setEditing] = useState<Row>();
  const [error, setError] = useState<string>();
  const remove = async (r: Row, refresh: () => void) => {
    if (!confirm(`Delete image ${String(r['name'])}?`)) return;
    try {
      await serviceCall(session, 'image', `/v2/images/${String(r['id'])}`, { method: 'DELETE' });
      refresh();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <ErrorAlert error={error} />
      <ResourceTable
        session={session}
        title="Images"
        service="image"
        path="/v2/images"
        collection="images"
        style="sort_key"
        filter="name"
        everyMs={5000}
        columns={[
          { key: 'name', label: 'Name', sort: true },
          { key: 'status', label: 'Status', sort: true },
          { key: 'visibility', label: 'Visibility', sort: true },
          { key: 'disk_format', label: 'Format' },
          { key: 'size', label: 'Size', sort: true },
          { key: 'created_at', label: 'Created', sort: true },
        ]}
        actions={(r, refresh) => (
          <>
            <button type="button" onClick={() => setEditing(r)}>
              Edit
            </button>
            <button type="button" onClick={() => void remove(r, refresh)}>
              Delete
            </button>
          </>
        )}
      >
        {(refresh) => (
          <>
            <ImageUpload session={session} onDone={refresh} />
            {editing !== undefined && (
              <ImageEdit
                session={session}
                image={editing}
                onDone={() => (setEditing(undefined), refresh())}
              />
            )}
          </>
        )}
      </ResourceTable>
    </>
  );
}

/** Name, visibility and one property at a time, as a JSON patch (Glance v2.1 patch media type). */
function ImageEdit({ session, image, onDone }: { session: Session; image: Row; onDone: () => void }) {
  const [name, setName] = useState(String(image['name'] ?? ''));
  const [visibility, setVisibility] = useState(String(image['visibility']));
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const save = async (e: Event) => {
    e.preventDefault();
    const ops: unknown[] = [
      { op: 'replace', path: '/name', value: name },
      { op: 'replace', path: '/visibility', value: visibility },
    ];
    if (key !== '') ops.push({ op: key in image ? 'replace' : 'add', path: `/${key}`, value });
    try {
      await serviceCall(session, 'image', `/v2/images/${String(image['id'])}`, {
        method: 'PATCH',
        body: ops,
        headers: patchType,
      });
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="inline" aria-label="Edit image" onSubmit={(e) => void save(e)}>
      <label>
        Name <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Visibility{' '}
        <select value={visibility} onChange={(e) => setVisibility((e.target as HTMLSelectElement).value)}>
          {['private', 'shared', 'community', 'public'].map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Property <input value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Value <input value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Save</button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}
