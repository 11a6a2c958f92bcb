import Type from 'typebox';

export const keypairCreateBody = Type.Object(
  {
    keypair: Type.Object(
      {
        name: Type.String({
          minLength: 1,
          maxLength: 255,
          description: 'Key pair name: letters, digits, spaces, _ and -, unique per user.',
        }),
        public_key: Type.Optional(
          Type.String({
            description:
              'The public key to import: an OpenSSH line (ssh-rsa, ssh-ed25519, ecdsa-sha2-*), or a PEM certificate for x509; omit to generate one.',
          }),
        ),
        type: Type.Optional(
          Type.Union([Type.Literal('ssh'), Type.Literal('x509')], { description: 'Key type (2.2).' }),
        ),
        user_id: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 255,
            description: 'Owner, for admins (2.10); default: the caller.',
          }),
        ),
      },
      { additionalProperties: false, description: 'The key pair to create or import.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'keypair' object." },
);
