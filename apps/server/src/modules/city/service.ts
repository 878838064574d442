import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import { cityById, cityIdByCode, defaultCityId, insertCity, updateCitySettings } from './queries.ts';

export { updateCitySettings };
import type { BasemapT, CityT } from './schemas.ts';

export const defaultBasemap: BasemapT = { url: '', crs: 'wgs84', attribution: '' };

const defaultIds = new WeakMap<Db, string>();

/**
 * The city of a request without a signed-in user: `x-city` header or `?city=` code,
 * else the deployment's default city.
 */
export async function cityIdForRequest(db: Db, request: FastifyRequest): Promise<string> {
  const header = request.headers['x-city'];
  const query = (request.query as Record<string, unknown> | undefined)?.city;
  const code = typeof header === 'string' ? header : typeof query === 'string' ? query : null;
  if (code) {
    const id = await cityIdByCode(db, code);
    if (!id) throw new AppError('city.not_found');
    return id;
  }
  let id = defaultIds.get(db);
  if (!id) {
    id = await defaultCityId(db);
    if (!id) throw new AppError('city.not_found');
    defaultIds.set(db, id);
  }
  return id;
}

export async function getCity(db: Queryable, cityId: string): Promise<CityT> {
  const row = await cityById(db, cityId);
  if (!row) throw new AppError('city.not_found');
  const pad = 0.05;
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    timezone: row.timezone,
    center: [row.lng, row.lat],
    bbox:
      row.min_lng === null
        ? [row.lng - pad, row.lat - pad, row.lng + pad, row.lat + pad]
        : [row.min_lng, row.min_lat!, row.max_lng!, row.max_lat!],
    basemap: { ...defaultBasemap, ...((row.settings.basemap as Partial<BasemapT> | undefined) ?? {}) },
  };
}

export async function createCity(
  q: Queryable,
  c: { code: string; name: string; nameEn: string; timezone?: string; center: [number, number]; isDefault?: boolean },
): Promise<string> {
  return insertCity(q, {
    ...c,
    timezone: c.timezone ?? 'Asia/Shanghai',
    isDefault: c.isDefault ?? false,
    settings: { basemap: defaultBasemap },
  });
}
