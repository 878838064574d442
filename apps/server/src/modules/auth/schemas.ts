import { Type, type Static } from 'typebox';
import { userRoles } from '@cityloop/domain';

export const RoleName = Type.Enum([...userRoles]);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
    city: Type.Optional(Type.String({ maxLength: 64, description: 'city code; the default city when omitted' })),
  },
  { additionalProperties: false },
);
export type LoginBodyT = Static<typeof LoginBody>;

export const Me = Type.Object(
  {
    kind: Type.Union([Type.Literal('user'), Type.Literal('apikey')]),
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
    unitId: Type.Union([Type.String(), Type.Null()]),
    cityId: Type.String(),
    /** Send back as `x-csrf-token` on every state-changing request made with the session cookie. */
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Me' },
);
export type MeT = Static<typeof Me>;
