import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { Expert, ExpertCreateBody, ExpertIdParams, ExpertListQuery, ExpertUpdateBody } from './schemas.ts';
import { createExpert, editExpert, expertList, getExpert } from './service.ts';

export default async function expertRoutes(app: App) {
  app.get(
    '/experts',
    {
      config: { permission: 'expert.read' },
      schema: {
        tags: ['experts'],
        summary: 'The expert library (专家库), filtered by field, mode or availability',
        querystring: ExpertListQuery,
        response: { 200: Type.Array(Expert) },
      },
    },
    async (request) => expertList(app.db, request.actor, request.query),
  );
  app.get(
    '/experts/:id',
    { config: { permission: 'expert.read' }, schema: { tags: ['experts'], summary: 'One expert', params: ExpertIdParams, response: { 200: Expert } } },
    async (request) => getExpert(app.db, request.actor, request.params.id),
  );
  app.post(
    '/experts',
    { config: { permission: 'expert.manage' }, schema: { tags: ['experts'], summary: 'Add an expert', body: ExpertCreateBody, response: { 201: Expert } } },
    async (request, reply) => reply.status(201).send(await createExpert(app.db, request.actor, request.body, request.ip)),
  );
  app.patch(
    '/experts/:id',
    {
      config: { permission: 'expert.manage' },
      schema: { tags: ['experts'], summary: 'Edit an expert; conflictUnitIds replaces the set', params: ExpertIdParams, body: ExpertUpdateBody, response: { 200: Expert } },
    },
    async (request) => editExpert(app.db, request.actor, request.params.id, request.body, request.ip),
  );
}
