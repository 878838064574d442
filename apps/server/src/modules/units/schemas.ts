import { Type, type Static } from 'typebox';
import { staffSlots, unitKinds } from '@cityloop/domain';

export const UnitKind = Type.Enum([...unitKinds]);
export const StaffSlot = Type.Enum([...staffSlots]);

export const UnitStaff = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  slot: StaffSlot,
  /** masked (138****5678) unless the caller is admin or office */
  phone: Type.Union([Type.String(), Type.Null()]),
});

export const Unit = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    kind: UnitKind,
    districtId: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    active: Type.Boolean(),
    /** A/B staff (AB角) */
    staff: Type.Array(UnitStaff),
  },
  { $id: 'Unit' },
);
export type UnitT = Static<typeof Unit>;

export const UnitListQuery = Type.Object({
  kind: Type.Optional(UnitKind),
  q: Type.Optional(Type.String({ maxLength: 50, description: 'name or code contains' })),
});
export type UnitListQueryT = Static<typeof UnitListQuery>;

export const UnitIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
const name = Type.String({ minLength: 1, maxLength: 200 });
// In request bodies `Null` comes first in a union: Ajv's type coercion would
// otherwise turn a JSON null into "" through the string branch.
const optText = (max: number) => Type.Union([Type.Null(), Type.String({ maxLength: max })]);

export const UnitCreateBody = Type.Object(
  {
    code,
    name,
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    kind: UnitKind,
    districtId: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'uuid' })])),
    phone: Type.Optional(optText(40)),
    address: Type.Optional(optText(300)),
  },
  { additionalProperties: false },
);
export type UnitCreateBodyT = Static<typeof UnitCreateBody>;

export const UnitUpdateBody = Type.Object(
  {
    code: Type.Optional(code),
    name: Type.Optional(name),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(UnitKind),
    districtId: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'uuid' })])),
    phone: Type.Optional(optText(40)),
    address: Type.Optional(optText(300)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UnitUpdateBodyT = Static<typeof UnitUpdateBody>;
