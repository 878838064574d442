import type { Db } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { getCity, updateCitySettings } from '../city/service.ts';
import type { SettingsPatchT, SettingsT } from './schemas.ts';

export async function getSettings(db: Db, cityId: string): Promise<SettingsT> {
  const city = await getCity(db, cityId);
  return { basemap: city.basemap };
}

/** A tile URL must be an http(s) XYZ template, so the browser never gets a `javascript:` or file URL. */
function checkTileUrl(url: string) {
  if (url === '') return;
  if (!/^https?:\/\/[^\s]+$/.test(url) || !url.includes('{z}') || !url.includes('{x}') || !url.includes('{y}')) {
    throw new AppError('request.invalid', undefined, 'The tile URL must be an http(s) template with {z}, {x} and {y}');
  }
}

export async function updateSettings(db: Db, actor: Actor, patch: SettingsPatchT, ip: string): Promise<SettingsT> {
  if (patch.basemap) checkTileUrl(patch.basemap.url);
  await db.tx(async (q) => {
    await updateCitySettings(q, actor.cityId, patch);
    await recordAudit(q, actor, { action: 'settings.update', targetType: 'city', targetId: actor.cityId, details: patch, ip });
  });
  return getSettings(db, actor.cityId);
}
