import { Type, type Static } from 'typebox';
import { staffSlots, userRoles } from '@cityloop/domain';

export const UserRole = Type.Enum([...userRoles]);
const StaffSlot = Type.Enum([...staffSlots]);
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

export const User = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    /** in full for admin, masked (138****5678) for office */
    phone: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(UserRole),
    unitId: Type.Union([Type.String(), Type.Null()]),
    staffSlot: Type.Union([StaffSlot, Type.Null()]),
    active: Type.Boolean(),
    /** the 片区 a leader leads (领导包片) */
    districtIds: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
export type UserT = Static<typeof User>;

export const UserListQuery = Type.Object({
  role: Type.Optional(UserRole),
  unitId: Type.Optional(Type.String({ format: 'uuid' })),
  q: Type.Optional(Type.String({ maxLength: 50, description: 'username or name contains' })),
});
export type UserListQueryT = Static<typeof UserListQuery>;

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const roles = Type.Array(UserRole, { minItems: 1, uniqueItems: true });
const districtIds = Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true, maxItems: 50 });
// Length rules are the service's (`user.weak_password`), so the answer names the real problem.
const password = Type.String({ maxLength: 1000 });

export const UserCreateBody = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    password,
    roles,
    phone: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    unitId: Type.Optional(nullable(Type.String({ format: 'uuid' }))),
    staffSlot: Type.Optional(nullable(StaffSlot)),
    districtIds: Type.Optional(districtIds),
  },
  { additionalProperties: false },
);
export type UserCreateBodyT = Static<typeof UserCreateBody>;

export const UserUpdateBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    roles: Type.Optional(roles),
    phone: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    unitId: Type.Optional(nullable(Type.String({ format: 'uuid' }))),
    staffSlot: Type.Optional(nullable(StaffSlot)),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(password),
    districtIds: Type.Optional(districtIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserUpdateBodyT = Static<typeof UserUpdateBody>;
