import type { App } from '../../http/app.ts';
import { Settings, SettingsPatch } from './schemas.ts';
import { getSettings, updateSettings } from './service.ts';

export default async function settingsRoutes(app: App) {
  app.get(
    '/settings',
    { config: { permission: 'settings.read' }, schema: { tags: ['settings'], summary: 'City settings (base map)', response: { 200: Settings } } },
    async (request) => getSettings(app.db, request.actor.cityId),
  );
  app.patch(
    '/settings',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: ['settings'], summary: 'Change city settings', body: SettingsPatch, response: { 200: Settings } },
    },
    async (request) => updateSettings(app.db, request.actor, request.body, request.ip),
  );
}
