import { Type, type Static } from 'typebox';
import { expertFields, expertModes } from '@cityloop/domain';

export const ExpertField = Type.Enum([...expertFields]);
export const ExpertMode = Type.Enum([...expertModes]);

export const Expert = Type.Object(
  {
    id: Type.String(),
    userId: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    organisation: Type.String(),
    title: Type.String(),
    /** masked unless the caller is admin or office */
    phone: Type.Union([Type.String(), Type.Null()]),
    fields: Type.Array(ExpertField),
    /** fixed (固定专家) or on call (动态专家), §5.4 */
    mode: ExpertMode,
    available: Type.Boolean(),
    /** units whose work this expert must not judge (回避) */
    conflictUnitIds: Type.Array(Type.String()),
  },
  { $id: 'Expert' },
);
export type ExpertT = Static<typeof Expert>;

export const ExpertListQuery = Type.Object({
  field: Type.Optional(ExpertField),
  mode: Type.Optional(ExpertMode),
  available: Type.Optional(Type.Boolean()),
});
export type ExpertListQueryT = Static<typeof ExpertListQuery>;

export const ExpertIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const fields = Type.Array(ExpertField, { minItems: 1, uniqueItems: true });
const conflictUnitIds = Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true, maxItems: 200 });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

export const ExpertCreateBody = Type.Object(
  {
    userId: Type.Optional(nullable(Type.String({ format: 'uuid' }))),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    organisation: Type.Optional(Type.String({ maxLength: 200 })),
    title: Type.Optional(Type.String({ maxLength: 100 })),
    phone: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    fields,
    mode: ExpertMode,
    available: Type.Optional(Type.Boolean()),
    conflictUnitIds: Type.Optional(conflictUnitIds),
  },
  { additionalProperties: false },
);
export type ExpertCreateBodyT = Static<typeof ExpertCreateBody>;

export const ExpertUpdateBody = Type.Object(
  {
    userId: Type.Optional(nullable(Type.String({ format: 'uuid' }))),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    organisation: Type.Optional(Type.String({ maxLength: 200 })),
    title: Type.Optional(Type.String({ maxLength: 100 })),
    phone: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    fields: Type.Optional(fields),
    mode: Type.Optional(ExpertMode),
    available: Type.Optional(Type.Boolean()),
    /** replaces the whole set */
    conflictUnitIds: Type.Optional(conflictUnitIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ExpertUpdateBodyT = Static<typeof ExpertUpdateBody>;
