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

/** Where a problem or case lies: its areas from the 片区 down (as far as known), each with its level. */
export const AreaPath = Type.Array(
  Type.Object({ id: Type.String(), level: AreaLevel, code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  { $id: 'AreaPath' },
);

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

export const PlaceSearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100, description: 'an area name, part of one, or an address (郑州市二七区淮河路街道康丰社区)' }),
  city: Type.Optional(Type.String()),
});

const PathArea = Type.Object({ id: Type.String(), level: AreaLevel, code: Type.String(), name: Type.String(), nameEn: Type.String() });

/** An area found by name: where it sits and a point inside it. */
export const Place = Type.Object(
  {
    id: Type.String(),
    level: AreaLevel,
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    /** 片区 → … → this area */
    path: Type.Array(PathArea),
    /** the path as written on notices: 二七片区·二七区·淮河路街道·康丰社区 */
    pathText: Type.String(),
    /** a point inside the area (PostGIS ST_PointOnSurface), WGS-84 */
    point: Type.Object({ lng: Type.Number(), lat: Type.Number() }),
    matched: Type.String({ description: 'the text the area was found by' }),
    kind: Type.Enum(['full', 'suffixed', 'bare', 'contains'], { description: 'named in full, with another suffix (管城区), by its bare core (淮河路), or contains what was typed' }),
  },
  { $id: 'Place' },
);

export const PlaceSearchResult = Type.Object({ places: Type.Array(Place) });
