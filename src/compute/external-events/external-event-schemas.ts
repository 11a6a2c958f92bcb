import Type from 'typebox';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { compileValidator } from '../../common/http/validation.js';
import type { Validator } from '../../common/http/validation.js';

/** Nova's event names; 2.51 adds volume-extended (Cinder's in-use extend). */
const baseNames = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted'];
export const eventStatuses = ['failed', 'completed', 'in-progress'] as const;

export interface ExternalEvent {
  readonly name: string;
  readonly server_uuid: string;
  readonly status?: (typeof eventStatuses)[number];
  readonly tag?: string;
}

const bodyFor = (names: ReadonlyArray<string>) =>
  Type.Object(
    {
      events: Type.Array(
        Type.Object(
          {
            name: Type.Union(names.map((n) => Type.Literal(n))),
            server_uuid: Type.String({ format: 'uuid' }),
            status: Type.Optional(Type.Union(eventStatuses.map((s) => Type.Literal(s)))),
            tag: Type.Optional(Type.String({ maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  );

const before251 = compileValidator(bodyFor(baseNames));
const from251 = compileValidator(bodyFor([...baseNames, 'volume-extended']));

export function externalEventsBody(mv: Microversion | undefined): Validator {
  return atLeast(mv, [2, 51]) ? from251 : before251;
}

/** Events whose tag names what they are about (the volume); without it Nova drops them (400). */
export const tagRequired: ReadonlyArray<string> = ['volume-extended'];
