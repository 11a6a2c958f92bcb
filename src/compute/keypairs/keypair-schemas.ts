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
              'An OpenSSH public key to import (ssh-rsa, ssh-ed25519, ecdsa-sha2-*); omit to generate one.',
          }),
        ),
      },
      { additionalProperties: false, description: 'The key pair to create or import.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'keypair' object." },
);
