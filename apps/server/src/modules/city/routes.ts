import type { App } from '../../http/app.ts';
import { City, Health } from './schemas.ts';
import { getCity } from './service.ts';

export default async function cityRoutes(app: App) {
  app.get(
    '/api/health',
    { config: { permission: 'health.read' }, schema: { tags: ['meta'], summary: 'Ready once the database is', response: { 200: Health } } },
    async () => {
      await app.db.query('SELECT 1');
      return { status: 'ok' as const };
    },
  );
  app.get(
    '/api/v1/city',
    { config: { permission: 'city.read' }, schema: { tags: ['city'], summary: 'The city: name, centre, extent, base map', response: { 200: City } } },
    async (request) => getCity(app.db, request.actor.cityId),
  );
}
