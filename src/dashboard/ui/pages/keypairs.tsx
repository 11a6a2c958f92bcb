import { useState } from 'preact/hooks';
import { errorText, serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { ErrorAlert } from '../widgets/error-alert.js';
import { ResourceTable } from '../widgets/resource-table.js';

type Row = Record<string, unknown>;

/** The private key exists only in this response: hand it to the browser as a file, once. */
function download(name: string, privateKey: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([privateKey], { type: 'application/x-pem-file' }));
  a.download = `${name}.pem`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Key pairs: create (private key downloaded once), import a public key, delete. */
export function KeypairsPage({ session }: { session: Session }) {
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<void>, refresh: () => void) => {
    try {
      await work();
      setError(undefined);
      refresh();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const create = async () => {
    const body = { keypair: { name, ...(publicKey.trim() !== '' && { public_key: publicKey.trim() }) } };
    const res = await serviceCall<{ keypair: { private_key?: string } }>(session, 'compute', '/os-keypairs', {
      method: 'POST',
      body,
    });
    if (res.keypair.private_key !== undefined) download(name, res.keypair.private_key);
    setName('');
    setPublicKey('');
  };
  const remove = (r: Row) => async () => {
    if (!confirm(`Delete key pair ${String(r['name'])}?`)) return;
    await serviceCall(session, 'compute', `/os-keypairs/${encodeURIComponent(String(r['name']))}`, {
      method: 'DELETE',
    });
  };
  return (
    <ResourceTable
      session={session}
      title="Key pairs"
      service="compute"
      path="/os-keypairs"
      collection="keypairs"
      style="sort_key"
      idKey="name"
      rowOf={(item) => item['keypair'] as Row}
      columns={[
        { key: 'name', label: 'Name' },
        { key: 'type', label: 'Type' },
        { key: 'fingerprint', label: 'Fingerprint' },
      ]}
      actions={(r, refresh) => (
        <button type="button" onClick={() => void run(remove(r), refresh)}>
          Delete
        </button>
      )}
    >
      {(refresh) => (
        <form
          class="inline"
          aria-label="New key pair"
          onSubmit={(e) => (e.preventDefault(), void run(create, refresh))}
        >
          <label>
            Key pair name{' '}
            <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Public key to import (empty: generate one){' '}
            <textarea
              rows={2}
              value={publicKey}
              onInput={(e) => setPublicKey((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit">{publicKey.trim() === '' ? 'Create key pair' : 'Import key pair'}</button>
          <ErrorAlert error={error} />
        </form>
      )}
    </ResourceTable>
  );
}
