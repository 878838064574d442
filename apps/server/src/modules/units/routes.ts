import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { Unit, UnitCreateBody, UnitIdParams, UnitListQuery, UnitUpdateBody } from './schemas.ts';
import { createUnit, editUnit, getUnit, unitList } from './service.ts';

export default async function unitRoutes(app: App) {
  app.get(
    '/units',
    {
      config: { permission: 'unit.read' },
      schema: {
        tags: ['units'],
        summary: 'Responsible units (责任单位) with their A/B staff; a unit sees only itself',
        querystring: UnitListQuery,
        response: { 200: Type.Array(Unit) },
      },
    },
    async (request) => unitList(app.db, request.actor, request.query),
  );
  app.get(
    '/units/:id',
    { config: { permission: 'unit.read' }, schema: { tags: ['units'], summary: 'One unit', params: UnitIdParams, response: { 200: Unit } } },
    async (request) => getUnit(app.db, request.actor, request.params.id),
  );
  app.post(
    '/units',
    { config: { permission: 'unit.manage' }, schema: { tags: ['units'], summary: 'Add a unit', body: UnitCreateBody, response: { 201: Unit } } },
    async (request, reply) => {
      const unit = await createUnit(app.db, request.actor, request.body, request.ip);
      return reply.status(201).send(unit);
    },
  );
  app.patch(
    '/units/:id',
    {
      config: { permission: 'unit.manage' },
      schema: { tags: ['units'], summary: 'Edit a unit', params: UnitIdParams, body: UnitUpdateBody, response: { 200: Unit } },
    },
    async (request) => editUnit(app.db, request.actor, request.params.id, request.body, request.ip),
  );
}
