import { useState } from 'preact/hooks';
import { ApiError, errorText, serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { endpointOf } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from '../widgets/error-alert.js';

/** PUT the file with XMLHttpRequest: fetch has no upload progress events. */
function putFile(s: Session, imageId: string, file: File, onProgress: (pct: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${endpointOf(s, 'image')}/v2/images/${imageId}/file`);
    xhr.setRequestHeader('x-auth-token', s.token);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((100 * e.loaded) / e.total));
    xhr.onload = () => {
      if (xhr.status < 300) return (onProgress(100), resolve());
      reject(new ApiError(xhr.status, glanceMessage(xhr.responseText, xhr.status)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted.'));
    xhr.send(file);
  });
}

/** Glance faults are JSON with a message, or its older plain-text title and explanation. */
function glanceMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as Record<string, { message?: string }>;
    const inner = Object.values(body).find((v) => typeof v === 'object' && v?.message !== undefined);
    if (inner?.message !== undefined) return inner.message;
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.trim() || `upload failed with status ${status}`;
}

const formats = ['raw', 'qcow2', 'iso', 'vmdk', 'vhd', 'vdi', 'ami', 'ari', 'aki'];

/** Upload a file as a new image, with a progress bar; or create from a URL when Glance offers web-download. */
export function ImageUpload({ session, onDone }: { session: Session; onDone: () => void }) {
  const [name, setName] = useState('');
  const [format, setFormat] = useState('raw');
  const [file, setFile] = useState<File>();
  const [url, setUrl] = useState('');
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<string>();
  const methods = usePoll(
    async () =>
      (await serviceCall<{ 'import-methods': { value: string[] } }>(session, 'image', '/v2/info/import'))[
        'import-methods'
      ].value,
    [session.token],
  );
  const create = () =>
    serviceCall<{ id: string }>(session, 'image', '/v2/images', {
      method: 'POST',
      body: { name, disk_format: format, container_format: 'bare' },
    });
  const run = async (e: Event, work: () => Promise<void>) => {
    e.preventDefault();
    setError(undefined);
    try {
      await work();
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const upload = async () => {
    if (file === undefined) return;
    setProgress(0);
    await putFile(session, (await create()).id, file, setProgress);
  };
  const fromUrl = async () => {
    const image = await create();
    await serviceCall(session, 'image', `/v2/images/${image.id}/import`, {
      method: 'POST',
      body: { method: { name: 'web-download', uri: url } },
    });
  };
  const webDownload = methods.data?.includes('web-download') === true;
  return (
    <form
      class="inline upload"
      onSubmit={(e) => void run(e, file !== undefined || !webDownload ? upload : fromUrl)}
    >
      <label>
        Image name{' '}
        <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Disk format{' '}
        <select value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value)}>
          {formats.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <label>
        Image file <input type="file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0])} />
      </label>
      {webDownload && (
        <label>
          Or from URL{' '}
          <input type="url" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <button type="submit">Create image</button>
      {progress !== undefined && (
        <label>
          Upload progress{' '}
          <progress max={100} value={progress} aria-valuenow={progress} data-percent={progress} />
          <span class="percent">{progress}%</span>
        </label>
      )}
      <ErrorAlert error={error} />
    </form>
  );
}
