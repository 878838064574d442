import { Type, type Static } from 'typebox';
import { areaLevels } from '@cityloop/domain';

export const AreaLevel = Type.Enum([...areaLevels]);

export const AreaSummary = Type.Object(
  {
    id: Type.String(),
    level: AreaLevel,
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    parentId: Type.Union([Type.String(), Type.Null()]),
    generated: Type.Boolean(),
  },
  { $id: 'AreaSummary' },
);
export type AreaSummaryT = Static<typeof AreaSummary>;

const Geometry = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Any()) });

export const AreaFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  properties: AreaSummary,
  geometry: Geometry,
});

export const AreaFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(AreaFeature),
});

export const AreaListQuery = Type.Object({
  level: Type.Optional(AreaLevel),
  parentId: Type.Optional(Type.String({ format: 'uuid' })),
  bbox: Type.Optional(
    Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat' }),
  ),
  q: Type.Optional(Type.String({ maxLength: 50, description: 'name or code contains' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, default: 5000 })),
  city: Type.Optional(Type.String()),
});
export type AreaListQueryT = Static<typeof AreaListQuery>;

export const AreaIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const LocateQuery = Type.Object({
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  city: Type.Optional(Type.String()),
});

export const LocateResult = Type.Object({
  lng: Type.Number(),
  lat: Type.Number(),
  /** The areas containing the point, from 片区 down to 单元网格; empty when outside the city. */
  areas: Type.Array(AreaSummary),
});

export const AreaUpdateBody = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nameEn: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AreaUpdateBodyT = Static<typeof AreaUpdateBody>;

export const ImportQuery = Type.Object({
  level: Type.Optional(AreaLevel),
  parentCode: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ImportQueryT = Static<typeof ImportQuery>;

export const ImportResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  byLevel: Type.Record(Type.String(), Type.Integer()),
});
export type ImportResultT = Static<typeof ImportResult>;
