/**
 * The server suite in one process: one database and one app shared by every
 * spec (see harness.ts), each spec on a city of its own.
 */
import { after } from 'node:test';
import { testApp, testDb, engine } from './harness.ts';

console.log(`# server tests on ${engine}`);

// `SPEC=cases,jobs npm run …` runs only those specs (while working on one module).
const only = process.env.SPEC ? new Set(process.env.SPEC.split(',').map((s) => s.trim())) : null;
const specs: Record<string, () => Promise<unknown>> = {
  meta: () => import('./meta.spec.ts'),
  areas: () => import('./areas.spec.ts'),
  units: () => import('./units.spec.ts'),
  users: () => import('./users.spec.ts'),
  teams: () => import('./teams.spec.ts'),
  experts: () => import('./experts.spec.ts'),
  apikeys: () => import('./apikeys.spec.ts'),
  taxonomy: () => import('./taxonomy.spec.ts'),
  classifier: () => import('./classifier.spec.ts'),
  open311: () => import('./open311.spec.ts'),
  sensors: () => import('./sensors.spec.ts'),
  hotline: () => import('./hotline.spec.ts'),
  uploads: () => import('./uploads.spec.ts'),
  intake: () => import('./intake.spec.ts'),
  places: () => import('./places.spec.ts'),
  pool: () => import('./pool.spec.ts'),
  notifications: () => import('./notifications.spec.ts'),
  jobs: () => import('./jobs.spec.ts'),
  calendar: () => import('./calendar.spec.ts'),
  cases: () => import('./cases.spec.ts'),
  channels: () => import('./channels.spec.ts'),
  lists: () => import('./lists.spec.ts'),
  consolidation: () => import('./consolidation.spec.ts'),
  recheck: () => import('./recheck.spec.ts'),
  escalation: () => import('./escalation.spec.ts'),
  permissions: () => import('./permissions.spec.ts'),
};
for (const [name, load] of Object.entries(specs)) {
  if (!only || only.has(name)) await load();
}

after(async () => {
  await (await testApp()).close();
  await (await testDb()).close();
});
