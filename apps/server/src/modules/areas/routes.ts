import type { App } from '../../http/app.ts';
import {
  AreaFeature,
  AreaFeatureCollection,
  AreaIdParams,
  AreaListQuery,
  AreaUpdateBody,
  ImportQuery,
  ImportResult,
  LocateQuery,
  LocateResult,
  PlaceSearchQuery,
  PlaceSearchResult,
} from './schemas.ts';
import { areaCollection, getArea, importAreas, locate, renameArea, searchPlaces } from './service.ts';
import { publicRateLimit } from '../../http/rate.ts';

export default async function areaRoutes(app: App) {
  // Imports arrive as files: read the body as text and judge it ourselves, so a
  // file that is not GeoJSON gets `area.not_geojson`, not a generic parse error.
  app.addContentTypeParser(['application/geo+json', 'application/octet-stream', 'text/plain'], { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get(
    '/areas',
    {
      config: { permission: 'area.read' },
      schema: { tags: ['areas'], summary: 'Areas as GeoJSON, filtered by level, parent, bbox or name', querystring: AreaListQuery, response: { 200: AreaFeatureCollection } },
    },
    async (request) => areaCollection(app.db, request.actor.cityId, request.query),
  );
  app.get(
    '/areas/locate',
    {
      config: { permission: 'area.locate' },
      schema: { tags: ['areas'], summary: 'Which areas contain a point (片区 … 单元网格)', querystring: LocateQuery, response: { 200: LocateResult } },
    },
    async (request) => locate(app.db, request.actor.cityId, request.query.lng, request.query.lat),
  );
  app.get(
    '/areas/search',
    {
      config: { permission: 'area.locate', rateLimit: publicRateLimit(app) },
      schema: {
        tags: ['areas'],
        summary: 'Find areas by name or address (the /report picker’s search)',
        description:
          'Areas the text names (in full, with another suffix such as 办事处/村, or by the bare core; a parent named in the text decides between namesakes), then areas whose name contains it. Each with its path from the 片区 and a point inside it. At most 10.',
        querystring: PlaceSearchQuery,
        response: { 200: PlaceSearchResult },
      },
    },
    async (request) => ({ places: await searchPlaces(app.db, request.actor.cityId, request.query.q) }),
  );
  app.get(
    '/areas/:id',
    { config: { permission: 'area.read' }, schema: { tags: ['areas'], summary: 'One area with its geometry', params: AreaIdParams, response: { 200: AreaFeature } } },
    async (request) => getArea(app.db, request.actor.cityId, request.params.id),
  );
  app.patch(
    '/areas/:id',
    {
      config: { permission: 'area.update' },
      schema: { tags: ['areas'], summary: 'Edit an area name or code', params: AreaIdParams, body: AreaUpdateBody, response: { 200: AreaFeature } },
    },
    async (request) => renameArea(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.post(
    '/areas/import',
    {
      config: { permission: 'area.import' },
      schema: {
        tags: ['areas'],
        summary: 'Import a GeoJSON FeatureCollection of areas (all or nothing)',
        description:
          'Send the file as `application/geo+json` (or JSON). Feature properties: `level`, `code`, `name`, optional `nameEn`, `parentCode`. Existing codes are updated.',
        querystring: ImportQuery,
        response: { 200: ImportResult },
      },
    },
    async (request) => {
      const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null);
      return importAreas(app.db, request.actor, body, request.query, request.ip);
    },
  );
}
