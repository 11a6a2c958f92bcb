import Type from 'typebox';

const ref = { id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) };
const domainRef = Type.Object(ref, { description: 'A domain by id or name.' });
const userRef = Type.Object(
  { ...ref, password: Type.Optional(Type.String()), domain: Type.Optional(domainRef) },
  { description: 'A user by id, or by name within a domain.' },
);

export const authBody = Type.Object(
  {
    auth: Type.Object(
      {
        identity: Type.Object(
          {
            methods: Type.Array(Type.String(), { description: "Authentication methods, e.g. ['password']." }),
            password: Type.Optional(Type.Object({ user: Type.Optional(userRef) })),
            token: Type.Optional(Type.Object({ id: Type.String({ description: 'An existing token.' }) })),
            application_credential: Type.Optional(
              Type.Object({ ...ref, secret: Type.Optional(Type.String()), user: Type.Optional(userRef) }),
            ),
          },
          { description: 'Who is authenticating.' },
        ),
        scope: Type.Optional(
          Type.Union([
            Type.String({ description: "'unscoped'" }),
            Type.Object({
              project: Type.Optional(Type.Object({ ...ref, domain: Type.Optional(domainRef) })),
              domain: Type.Optional(domainRef),
              system: Type.Optional(Type.Object({ all: Type.Optional(Type.Boolean()) })),
              unscoped: Type.Optional(Type.Object({})),
            }),
          ]),
        ),
      },
      { description: 'Identity and optional scope.' },
    ),
  },
  { description: 'Token request.' },
);

export type AuthRequest = Type.Static<typeof authBody>['auth'];
export type ScopeRequest = AuthRequest['scope'];
