/**
 * The server suite in one process: one database and one app shared by every
 * spec (see harness.ts), each spec on a city of its own.
 */
import { after } from 'node:test';
import { testApp, testDb, engine } from './harness.ts';

console.log(`# server tests on ${engine}`);

await import('./areas.spec.ts');
for (const spec of (process.env.SPECS ?? '').split(',').filter(Boolean)) await import(`./${spec}.spec.ts`);

after(async () => {
  await (await testApp()).close();
  await (await testDb()).close();
});
