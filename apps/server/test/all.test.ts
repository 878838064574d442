/**
 * The server suite in one process: one database and one app shared by every
 * spec (see harness.ts), each spec on a city of its own.
 */
import { after } from 'node:test';
import { testApp, testDb, engine } from './harness.ts';

console.log(`# server tests on ${engine}`);

await import('./meta.spec.ts');
await import('./areas.spec.ts');
await import('./units.spec.ts');
await import('./users.spec.ts');
await import('./teams.spec.ts');
await import('./experts.spec.ts');
await import('./apikeys.spec.ts');
await import('./taxonomy.spec.ts');
await import('./classifier.spec.ts');
await import('./open311.spec.ts');
await import('./sensors.spec.ts');
await import('./hotline.spec.ts');
await import('./uploads.spec.ts');
await import('./intake.spec.ts');
await import('./pool.spec.ts');
await import('./notifications.spec.ts');
await import('./jobs.spec.ts');
await import('./calendar.spec.ts');
await import('./permissions.spec.ts');

after(async () => {
  await (await testApp()).close();
  await (await testDb()).close();
});
