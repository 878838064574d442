/**
 * `npm run bench`: benchmarks as ratios against a baseline measured in the same
 * run (these machines are shared and noisy; absolute numbers mean little).
 * On PostgreSQL by default (see engine.ts). BENCH_N sets the number of calls.
 */
import { loadConfig } from '../apps/server/src/config.ts';
import { buildApp } from '../apps/server/src/http/app.ts';
import { seedDemoCity } from '../apps/server/src/demo/seed.ts';
import { demoApiKey } from '../apps/server/src/demo/data.ts';
import { benchDb } from './engine.ts';
import { benchLocate } from './locate.ts';
import { benchIntake } from './intake.ts';
import { benchEscalation } from './escalation.ts';

const N = Number(process.env.BENCH_N ?? 2000);

async function main() {
  const { db, cleanup } = await benchDb();
  const code = `bench${Date.now()}`;
  const t0 = performance.now();
  const cityId = await seedDemoCity(db, 'bench-password', { isDefault: false, code, withCases: false });
  console.log(`engine ${db.engine}; demo city loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DEMO: '0' }), db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await benchLocate(db, app, cityId, code, N);
    // One warm-up report so the raw baseline has a problem and district to bind to.
    const warm = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: { 'x-api-key': demoApiKey.key }, payload: { text: '路面塌陷', lng: 113.6604, lat: 34.7538, mediaIds: [] } });
    if (warm.statusCode !== 201) throw new Error(warm.body);
    await benchIntake(db, app, cityId, demoApiKey.key, N, 8);
    // 三级督办 over 100k, 300k and 1M open cases (BENCH_ESCALATION_SIZES to change; 0 to skip)
    const sizes = (process.env.BENCH_ESCALATION_SIZES ?? '100000,300000,1000000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
    if (sizes.length) await benchEscalation(db, sizes);
  } finally {
    await app.close();
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
