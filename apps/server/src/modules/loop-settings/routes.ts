import type { App } from '../../http/app.ts';
import { LoopSettingsBody, LoopSettingsView } from './schemas.ts';
import { getLoopSettings, updateLoopSettings } from './service.ts';

export default async function loopSettingsRoutes(app: App) {
  app.get(
    '/loop-settings',
    {
      config: { permission: 'loop.settings' },
      schema: {
        tags: ['escalation'],
        summary: "When the loop's scheduled jobs run (督办, 会商, 回头看) and their last and next runs",
        response: { 200: LoopSettingsView },
      },
    },
    async (request) => getLoopSettings(app.db, request.actor.cityId),
  );
  app.put(
    '/loop-settings',
    {
      config: { permission: 'loop.settings' },
      schema: {
        tags: ['escalation'],
        summary: 'Change the loop’s times or the 回头看 sample rate (only the fields sent); the jobs are re-timed at once',
        body: LoopSettingsBody,
        response: { 200: LoopSettingsView },
      },
    },
    async (request) => updateLoopSettings(app.db, request.actor, request.body, request.ip),
  );
}
