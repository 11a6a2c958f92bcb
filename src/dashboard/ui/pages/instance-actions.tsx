import { useState } from 'preact/hooks';
import { errorText, serviceCall } from '../api.js';
import type { Server } from '../instance-model.js';
import { go } from '../router.js';
import type { Session } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from '../widgets/error-alert.js';

type Named = { id: string; name: string };

/** Which power actions Nova accepts in each status (others answer 409, shown as such). */
const simple: ReadonlyArray<{ label: string; body: unknown; when: string[] }> = [
  { label: 'Start', body: { 'os-start': null }, when: ['SHUTOFF'] },
  { label: 'Stop', body: { 'os-stop': null }, when: ['ACTIVE', 'ERROR'] },
  { label: 'Reboot', body: { reboot: { type: 'SOFT' } }, when: ['ACTIVE', 'SHUTOFF'] },
  { label: 'Pause', body: { pause: null }, when: ['ACTIVE'] },
  { label: 'Unpause', body: { unpause: null }, when: ['PAUSED'] },
  { label: 'Confirm resize', body: { confirmResize: null }, when: ['VERIFY_RESIZE'] },
  { label: 'Revert resize', body: { revertResize: null }, when: ['VERIFY_RESIZE'] },
];

/** The server's actions, each asked to be confirmed first; failures in Nova's words. */
export function InstanceActions({
  session,
  server,
  onDone,
}: {
  session: Session;
  server: Server;
  onDone: () => void;
}) {
  const [error, setError] = useState<string>();
  const [snapshotName, setSnapshotName] = useState(`${server.name}-snapshot`);
  const [flavor, setFlavor] = useState('');
  const [image, setImage] = useState('');
  const choices = usePoll(
    async () => ({
      flavors: (await serviceCall<{ flavors: Named[] }>(session, 'compute', '/flavors')).flavors,
      images: (await serviceCall<{ images: Named[] }>(session, 'image', '/v2/images?limit=100')).images,
    }),
    [session.token],
  );
  const act = async (what: string, run: () => Promise<unknown>) => {
    if (!confirm(`${what} instance ${server.name}?`)) return;
    try {
      await run();
      setError(undefined);
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const action = (body: unknown) => () =>
    serviceCall(session, 'compute', `/servers/${server.id}/action`, { method: 'POST', body });
  return (
    <section aria-labelledby="actions-title">
      <h3 id="actions-title">Actions</h3>
      <ErrorAlert error={error} />
      <div class="actions">
        {simple
          .filter((a) => a.when.includes(server.status))
          .map((a) => (
            <button key={a.label} type="button" onClick={() => void act(a.label, action(a.body))}>
              {a.label}
            </button>
          ))}
        <button
          type="button"
          onClick={() =>
            void act('Delete', async () => {
              await serviceCall(session, 'compute', `/servers/${server.id}`, { method: 'DELETE' });
              go('instances');
            })
          }
        >
          Delete
        </button>
      </div>
      <form
        class="inline"
        onSubmit={(e) => (
          e.preventDefault(),
          void act('Snapshot', action({ createImage: { name: snapshotName } }))
        )}
      >
        <label>
          Snapshot name{' '}
          <input
            value={snapshotName}
            onInput={(e) => setSnapshotName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Snapshot</button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => (e.preventDefault(), void act('Resize', action({ resize: { flavorRef: flavor } })))}
      >
        <label>
          New flavor{' '}
          <select value={flavor} onChange={(e) => setFlavor((e.target as HTMLSelectElement).value)}>
            <option value="">Choose…</option>
            {(choices.data?.flavors ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={flavor === ''}>
          Resize
        </button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => (e.preventDefault(), void act('Rebuild', action({ rebuild: { imageRef: image } })))}
      >
        <label>
          Rebuild with image{' '}
          <select value={image} onChange={(e) => setImage((e.target as HTMLSelectElement).value)}>
            <option value="">Choose…</option>
            {(choices.data?.images ?? []).map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={image === ''}>
          Rebuild
        </button>
      </form>
      <ErrorAlert error={choices.error} />
    </section>
  );
}
