import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { User, UserCreateBody, UserIdParams, UserListQuery, UserUpdateBody } from './schemas.ts';
import { createUser, editUser, getUser, userList } from './service.ts';

export default async function userRoutes(app: App) {
  app.get(
    '/users',
    {
      config: { permission: 'user.read' },
      schema: { tags: ['users'], summary: 'User accounts, filtered by role, unit or name', querystring: UserListQuery, response: { 200: Type.Array(User) } },
    },
    async (request) => userList(app.db, request.actor, request.query),
  );
  app.get(
    '/users/:id',
    { config: { permission: 'user.read' }, schema: { tags: ['users'], summary: 'One user account', params: UserIdParams, response: { 200: User } } },
    async (request) => getUser(app.db, request.actor, request.params.id),
  );
  app.post(
    '/users',
    { config: { permission: 'user.manage' }, schema: { tags: ['users'], summary: 'Create a user account', body: UserCreateBody, response: { 201: User } } },
    async (request, reply) => reply.status(201).send(await createUser(app.db, request.actor, request.body, request.ip)),
  );
  app.patch(
    '/users/:id',
    {
      config: { permission: 'user.manage' },
      schema: {
        tags: ['users'],
        summary: 'Edit a user account',
        description: 'Changing roles or the password, or deactivating, signs the user out everywhere.',
        params: UserIdParams,
        body: UserUpdateBody,
        response: { 200: User },
      },
    },
    async (request) => editUser(app.db, request.actor, request.params.id, request.body, request.ip),
  );
}
