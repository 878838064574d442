import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { Team, TeamCreateBody, TeamIdParams, TeamUpdateBody } from './schemas.ts';
import { createTeam, editTeam, getTeam, removeTeam, teamList } from './service.ts';

export default async function teamRoutes(app: App) {
  app.get(
    '/teams',
    {
      config: { permission: 'team.read' },
      schema: { tags: ['teams'], summary: 'Inspection teams (视察组); an inspector sees the teams they sit in', response: { 200: Type.Array(Team) } },
    },
    async (request) => teamList(app.db, request.actor),
  );
  app.get(
    '/teams/:id',
    { config: { permission: 'team.read' }, schema: { tags: ['teams'], summary: 'One team', params: TeamIdParams, response: { 200: Team } } },
    async (request) => getTeam(app.db, request.actor, request.params.id),
  );
  app.post(
    '/teams',
    {
      config: { permission: 'team.manage' },
      schema: {
        tags: ['teams'],
        summary: 'Form a team: 1 lead, 2 experts, 1 discipline member, 1 recorder (§4.1)',
        body: TeamCreateBody,
        response: { 201: Team },
      },
    },
    async (request, reply) => reply.status(201).send(await createTeam(app.db, request.actor, request.body, request.ip)),
  );
  app.patch(
    '/teams/:id',
    {
      config: { permission: 'team.manage' },
      schema: { tags: ['teams'], summary: 'Rename a team, change its group or reseat it', params: TeamIdParams, body: TeamUpdateBody, response: { 200: Team } },
    },
    async (request) => editTeam(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.delete(
    '/teams/:id',
    { config: { permission: 'team.manage' }, schema: { tags: ['teams'], summary: 'Disband a team', params: TeamIdParams } },
    async (request, reply) => {
      await removeTeam(app.db, request.actor, request.params.id, request.ip);
      return reply.status(204).send();
    },
  );
}
