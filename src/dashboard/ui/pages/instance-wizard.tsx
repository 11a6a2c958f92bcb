import { useState } from 'preact/hooks';
import { errorText, serviceCall } from '../api.js';
import { go } from '../router.js';
import type { Session } from '../session.js';
import { hasService } from '../session.js';
import { usePoll } from '../use-poll.js';
import { ErrorAlert } from '../widgets/error-alert.js';

type Named = { id: string; name: string };
interface Choices {
  images: Named[];
  flavors: Array<Named & { vcpus: number; ram: number; disk: number }>;
  keypairs: string[];
  networks?: Named[];
  volumes?: Array<Named & { size: number }>;
}

const volumeTypes = ['volumev3', 'block-storage'];

/** What the wizard offers: networks and volumes only when the catalog has those services. */
async function loadChoices(s: Session): Promise<Choices> {
  const [images, flavors, keypairs] = await Promise.all([
    serviceCall<{ images: Named[] }>(s, 'image', '/v2/images?limit=100&sort_key=name&sort_dir=asc'),
    serviceCall<{ flavors: Choices['flavors'] }>(s, 'compute', '/flavors/detail'),
    serviceCall<{ keypairs: Array<{ keypair: { name: string } }> }>(s, 'compute', '/os-keypairs'),
  ]);
  const choices: Choices = {
    images: images.images,
    flavors: flavors.flavors,
    keypairs: keypairs.keypairs.map((k) => k.keypair.name),
  };
  if (hasService(s, 'network'))
    choices.networks = (await serviceCall<{ networks: Named[] }>(s, 'network', '/v2.0/networks')).networks;
  const volumeType = volumeTypes.find((t) => hasService(s, t));
  if (volumeType !== undefined)
    choices.volumes = (
      await serviceCall<{ volumes: Choices['volumes'] }>(s, volumeType, '/volumes/detail?status=available')
    ).volumes;
  return choices;
}

/** base64 of UTF-8 text, as Nova wants user_data. */
const base64 = (text: string): string =>
  btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join(''));

interface Form {
  name: string;
  image: string;
  flavor: string;
  keypair: string;
  userData: string;
  network: string;
  volume: string;
}

function serverBody(f: Form, c: Choices): unknown {
  // 2.37+: networks is required; 'none' when the cloud or the user chose no network.
  const networks =
    c.networks === undefined || f.network === 'none'
      ? 'none'
      : f.network === 'auto'
        ? 'auto'
        : [{ uuid: f.network }];
  return {
    server: {
      name: f.name,
      imageRef: f.image,
      flavorRef: f.flavor,
      networks,
      ...(f.keypair !== '' && { key_name: f.keypair }),
      ...(f.userData !== '' && { user_data: base64(f.userData) }),
      ...(f.volume !== '' && {
        block_device_mapping_v2: [
          {
            boot_index: 0,
            uuid: f.image,
            source_type: 'image',
            destination_type: 'local',
            delete_on_termination: true,
          },
          {
            boot_index: -1,
            uuid: f.volume,
            source_type: 'volume',
            destination_type: 'volume',
            delete_on_termination: false,
          },
        ],
      }),
    },
  };
}

/** Launch an instance: image, flavor, key pair, user data, then network and volume when offered. */
export function InstanceWizardPage({ session }: { session: Session }) {
  const choices = usePoll(() => loadChoices(session), [session.token]);
  const [form, setForm] = useState<Form>({
    name: '',
    image: '',
    flavor: '',
    keypair: '',
    userData: '',
    network: '',
    volume: '',
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Form) => (e: Event) =>
    setForm((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value }));
  const c = choices.data;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (c === undefined) return;
    setBusy(true);
    try {
      const f = { ...form, network: form.network || (c.networks?.[0]?.id ?? 'none') };
      const created = await serviceCall<{ server: { id: string } }>(session, 'compute', '/servers', {
        method: 'POST',
        body: serverBody(f, c),
      });
      go('instances', created.server.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const select = (label: string, k: keyof Form, options: Named[], empty: string) => (
    <label>
      {label}
      <select value={form[k]} onChange={set(k)}>
        <option value="">{empty}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="wizard-title">
      <h2 id="wizard-title">Launch instance</h2>
      <ErrorAlert error={choices.error ?? error} />
      {c !== undefined && (
        <form class="wizard" onSubmit={(e) => void submit(e)}>
          <fieldset>
            <legend>Details</legend>
            <label>
              Instance name
              <input required value={form.name} onInput={set('name')} />
            </label>
          </fieldset>
          <fieldset>
            <legend>Source and size</legend>
            {select('Image', 'image', c.images, 'Choose an image…')}
            {select(
              'Flavor',
              'flavor',
              c.flavors.map((f) => ({
                id: f.id,
                name: `${f.name} (${f.vcpus} vCPU, ${f.ram} MiB, ${f.disk} GiB)`,
              })),
              'Choose a flavor…',
            )}
          </fieldset>
          <fieldset>
            <legend>Access</legend>
            {select(
              'Key pair',
              'keypair',
              c.keypairs.map((k) => ({ id: k, name: k })),
              'No key pair',
            )}
            <label>
              User data
              <textarea rows={4} value={form.userData} onInput={set('userData')} />
            </label>
          </fieldset>
          {c.networks !== undefined && (
            <fieldset>
              <legend>Network</legend>
              <label>
                Network
                <select value={form.network} onChange={set('network')}>
                  {c.networks.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.name}
                    </option>
                  ))}
                  <option value="auto">Allocate automatically</option>
                  <option value="none">No network</option>
                </select>
              </label>
            </fieldset>
          )}
          {c.volumes !== undefined &&
            select(
              'Attach volume',
              'volume',
              c.volumes.map((v) => ({ id: v.id, name: `${v.name || v.id} (${v.size} GiB)` })),
              'No volume',
            )}
          <button type="submit" disabled={busy || form.image === '' || form.flavor === ''}>
            Launch
          </button>
        </form>
      )}
    </section>
  );
}
