import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { ApiKey, ApiKeyCreateBody, ApiKeyIdParams, NewApiKey } from './schemas.ts';
import { apiKeyList, createApiKey, revokeKey } from './service.ts';

export default async function apiKeyRoutes(app: App) {
  app.get(
    '/api-keys',
    { config: { permission: 'apikey.manage' }, schema: { tags: ['api-keys'], summary: 'Integration API keys (never the key itself)', response: { 200: Type.Array(ApiKey) } } },
    async (request) => apiKeyList(app.db, request.actor),
  );
  app.post(
    '/api-keys',
    {
      config: { permission: 'apikey.manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Make an API key; the answer carries the key, shown only this once',
        body: ApiKeyCreateBody,
        response: { 201: NewApiKey },
      },
    },
    async (request, reply) => reply.status(201).send(await createApiKey(app.db, request.actor, request.body, request.ip)),
  );
  app.delete(
    '/api-keys/:id',
    { config: { permission: 'apikey.manage' }, schema: { tags: ['api-keys'], summary: 'Revoke an API key at once', params: ApiKeyIdParams } },
    async (request, reply) => {
      await revokeKey(app.db, request.actor, request.params.id, request.ip);
      return reply.status(204).send();
    },
  );
}
