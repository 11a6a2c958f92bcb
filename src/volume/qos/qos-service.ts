import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { getVolumeType } from '../types/volume-type-store.js';
import type { VolumeDeps } from '../volume-deps.js';
import { wakeAttachedVolumesOfQos, wakeAttachedVolumesOfTypes } from './qos-rethrottle.js';
import type { QosConsumer, QosSpecsRecord } from './qos-store.js';
import {
  clearQosSpecsFromTypes,
  deleteQosSpecsRow,
  getQosSpecs,
  getQosSpecsByName,
  insertQosSpecs,
  listQosSpecs,
  setQosSpecs,
  setTypeQosSpecs,
  typesOfQosSpecs,
} from './qos-store.js';

const consumers: ReadonlyArray<QosConsumer> = ['front-end', 'back-end', 'both'];

export function qosNotFound(id: string): NotFoundError {
  return new NotFoundError('volume.qos.not_found', `No such QoS spec ${id}.`);
}

export async function findQosSpecs(deps: VolumeDeps, id: string): Promise<QosSpecsRecord> {
  const q = await getQosSpecs(deps.store.db, id);
  if (q === undefined) throw qosNotFound(id);
  return q;
}

function consumerOf(v: string | undefined, fallback: QosConsumer): QosConsumer {
  if (v === undefined) return fallback;
  if (!(consumers as ReadonlyArray<string>).includes(v))
    throw new InputError(
      'volume.qos.bad_consumer',
      `Invalid qos specs: Valid consumer of QoS specs are: ['front-end', 'back-end', 'both']`,
    );
  return v as QosConsumer;
}

/** Splits Cinder's flat body: `name` and `consumer` are fields, every other key is a spec. */
function specsOf(body: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'name' && k !== 'consumer'));
}

export async function createQosSpecs(
  deps: VolumeDeps,
  body: Readonly<Record<string, string>>,
): Promise<QosSpecsRecord> {
  const name = body['name'];
  if (name === undefined || name === '')
    throw new InputError('volume.qos.no_name', 'Please specify a name for QoS specs.');
  const consumer = consumerOf(body['consumer'], 'back-end');
  if (await getQosSpecsByName(deps.store.db, name))
    throw new ConflictError('volume.qos.exists', `QoS Specs ${name} already exists.`);
  const q = {
    id: crypto.randomUUID(),
    name,
    consumer,
    specs: specsOf(body),
    createdAt: deps.clock().toISOString(),
  };
  try {
    await insertQosSpecs(deps.store.db, q);
  } catch (err) {
    // A racing create of the same name hits the unique index.
    if (await getQosSpecsByName(deps.store.db, name))
      throw new ConflictError('volume.qos.exists', `QoS Specs ${name} already exists.`);
    throw err;
  }
  return q;
}

export const allQosSpecs = (deps: VolumeDeps) => listQosSpecs(deps.store.db);

/** Sets the given keys (and `consumer`); the others stay. */
export async function updateQosSpecs(
  deps: VolumeDeps,
  id: string,
  body: Readonly<Record<string, string>>,
): Promise<void> {
  const q = await findQosSpecs(deps, id);
  const consumer = consumerOf(body['consumer'], q.consumer);
  await setQosSpecs(deps.store.db, id, consumer, { ...q.specs, ...specsOf(body) });
  await wakeAttachedVolumesOfQos(deps, id);
}

export async function deleteQosSpecKeys(
  deps: VolumeDeps,
  id: string,
  keys: ReadonlyArray<string>,
): Promise<void> {
  const q = await findQosSpecs(deps, id);
  const missing = keys.find((k) => !(k in q.specs));
  if (missing !== undefined)
    throw new InputError('volume.qos.no_key', `QoS spec ${id} has no spec with key ${missing}.`);
  const specs = Object.fromEntries(Object.entries(q.specs).filter(([k]) => !keys.includes(k)));
  await setQosSpecs(deps.store.db, id, q.consumer, specs);
  await wakeAttachedVolumesOfQos(deps, id);
}

/** Refused while types use the specs, unless `force` (which disassociates them first). */
export async function deleteQosSpecs(deps: VolumeDeps, id: string, force: boolean): Promise<void> {
  await findQosSpecs(deps, id);
  const types = await deps.store.write(async (tx) => {
    const using = await typesOfQosSpecs(tx, id);
    if (using.length > 0) {
      if (!force) throw new InputError('volume.qos.in_use', 'Qos specs still in use.');
      await clearQosSpecsFromTypes(tx, id);
    }
    await deleteQosSpecsRow(tx, id);
    return using;
  });
  await wakeAttachedVolumesOfTypes(
    deps,
    types.map((t) => t.id),
  );
}

export async function qosAssociations(deps: VolumeDeps, id: string) {
  await findQosSpecs(deps, id);
  const types = await typesOfQosSpecs(deps.store.db, id);
  return types.map((t) => ({ association_type: 'volume_type', name: t.name, id: t.id }));
}

async function typeOf(deps: VolumeDeps, typeId: string | undefined) {
  if (!typeId) throw new InputError('volume.qos.no_type', 'Volume Type id must not be None.');
  const t = await getVolumeType(deps.store.db, typeId);
  if (t === undefined)
    throw new NotFoundError('volume.type.not_found', `Volume type ${typeId} could not be found.`);
  return t;
}

/** A type has at most one QoS specs (Cinder's rule). */
export async function associateQosSpecs(
  deps: VolumeDeps,
  id: string,
  typeId: string | undefined,
): Promise<void> {
  await findQosSpecs(deps, id);
  const t = await typeOf(deps, typeId);
  if (t.qosSpecsId === id) return;
  if (t.qosSpecsId || !(await setTypeQosSpecs(deps.store.db, t.id, id, null)))
    throw new InputError(
      'volume.qos.type_taken',
      `Invalid volume type: Type ${t.id} is already associated with another qos specs: ${t.qosSpecsId ?? 'unknown'}`,
    );
  await wakeAttachedVolumesOfTypes(deps, [t.id]);
}

export async function disassociateQosSpecs(
  deps: VolumeDeps,
  id: string,
  typeId: string | undefined,
): Promise<void> {
  await findQosSpecs(deps, id);
  const t = await typeOf(deps, typeId);
  if (await setTypeQosSpecs(deps.store.db, t.id, null, id)) await wakeAttachedVolumesOfTypes(deps, [t.id]);
}

export async function disassociateAllQosSpecs(deps: VolumeDeps, id: string): Promise<void> {
  await findQosSpecs(deps, id);
  const types = await typesOfQosSpecs(deps.store.db, id);
  await clearQosSpecsFromTypes(deps.store.db, id);
  await wakeAttachedVolumesOfTypes(
    deps,
    types.map((t) => t.id),
  );
}
