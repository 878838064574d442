import { loadConfig, ConfigError } from './config.ts';
import { openDb } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { seedDemoCity } from './demo/seed.ts';
import { demoRoleUsers, demoCity } from './demo/data.ts';
import os from 'node:os';
import { startScheduler } from './jobs/index.ts';
import { ensureLoopJobs, loopHandlers } from './jobs/loop.ts';
import { startDeliveryWorker } from './modules/notifications/delivery.ts';

async function main() {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const applied = await migrate(db);
  const app = await buildApp({ config, db });
  if (applied.length) app.log.info({ applied }, 'migrations applied');

  if (config.demo) {
    const existing = await db.query(`SELECT 1 FROM cities WHERE code = $1`, [demoCity.code]);
    if (existing.length === 0) {
      app.log.info('loading the demo city (first start only)…');
      await seedDemoCity(db, config.DEMO_PASSWORD);
    }
  }

  // The loop's scheduled jobs (督办, 会商, 回头看) for every city, and this process's scheduler:
  // any number of processes may run one on the same database, each due run happens once.
  await ensureLoopJobs(db);
  const scheduler = startScheduler(db, {
    workerId: `${os.hostname()}:${process.pid}`,
    handlers: loopHandlers(),
    log: app.log.child({ component: 'jobs' }),
  });
  // a city created later (a script, another process) gets its jobs within minutes
  const cityWatch = setInterval(
    () => void ensureLoopJobs(db).catch((err) => app.log.error({ err }, 'could not register the loop jobs')),
    5 * 60_000,
  );
  cityWatch.unref();
  // Notifications to the city's channels (mail, webhook, robots) leave from the outbox here.
  const deliveries = startDeliveryWorker(db, { workerId: `${os.hostname()}:${process.pid}`, intervalMs: 5000, timeoutMs: 6000, log: app.log });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      clearInterval(cityWatch);
      // runs still going after 6 s keep their lease; another process (or this one restarted) takes them over
      await Promise.all([scheduler.stop({ timeoutMs: 6000 }), deliveries.stop()]);
      await app.close();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  const engine = db.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  const lines = [
    '',
    `CityLoop 城市建设视察督查平台 is up on http://localhost:${config.PORT}/ (${engine}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  console  http://localhost:${config.PORT}/console/    API docs  http://localhost:${config.PORT}/api/docs`,
  ];
  if (config.demo) {
    lines.push(`  demo accounts (password: ${config.DEMO_PASSWORD}):`);
    for (const u of demoRoleUsers) lines.push(`    ${u.username.padEnd(11)} ${u.displayName}`);
    lines.push('  demo API key: cityloop-demo');
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
