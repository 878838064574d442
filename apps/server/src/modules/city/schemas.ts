import { Type, type Static } from 'typebox';

export const Health = Type.Object({ status: Type.Literal('ok') });

export const Basemap = Type.Object(
  {
    /** XYZ raster tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty = no base map. */
    url: Type.String({ maxLength: 500 }),
    /** Datum of the tiles: our WGS-84 shapes are shifted to GCJ-02 for display on AMap/Tencent tiles. */
    crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
    attribution: Type.String({ maxLength: 200 }),
  },
  { $id: 'Basemap' },
);
export type BasemapT = Static<typeof Basemap>;

export const City = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    timezone: Type.String(),
    center: Type.Tuple([Type.Number(), Type.Number()], { description: '[lng, lat], WGS-84' }),
    bbox: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], {
      description: '[minLng, minLat, maxLng, maxLat] of its districts, WGS-84',
    }),
    basemap: Basemap,
  },
  { $id: 'City' },
);
export type CityT = Static<typeof City>;
