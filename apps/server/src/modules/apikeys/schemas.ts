import { Type, type Static } from 'typebox';
import { apiKeyScopes } from '@cityloop/domain';

export const ApiKeyScope = Type.Enum([...apiKeyScopes]);

const keyFields = {
  id: Type.String(),
  name: Type.String(),
  /** the first characters of the key, to tell keys apart; the rest is never shown again */
  prefix: Type.String(),
  scopes: Type.Array(ApiKeyScope),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const ApiKey = Type.Object(keyFields, { $id: 'ApiKey' });
export type ApiKeyT = Static<typeof ApiKey>;

export const NewApiKey = Type.Object({
  ...keyFields,
  /** the key itself, shown this once; only its SHA-256 is stored */
  key: Type.String(),
});
export type NewApiKeyT = Static<typeof NewApiKey>;

export const ApiKeyIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ApiKeyCreateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(ApiKeyScope, { minItems: 1, uniqueItems: true }) },
  { additionalProperties: false },
);
export type ApiKeyCreateBodyT = Static<typeof ApiKeyCreateBody>;
