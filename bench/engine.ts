/**
 * The database a benchmark runs on: BENCH_DATABASE_URL if set; else a
 * throw-away database on the local PostgreSQL (PG_ADMIN_URL, dropped after);
 * else in-memory PGlite, said loudly.
 */
import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../apps/server/src/db/index.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';

export async function benchDb(): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    const db = await openPostgres(process.env.BENCH_DATABASE_URL);
    await migrate(db);
    return { db, cleanup: () => db.close() };
  }
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cityloop_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    console.log(`!!! PostgreSQL at ${adminUrl} not usable (${(err as Error).message}); benchmarking embedded PGlite instead`);
    await admin.end().catch(() => {});
    const db = await openPglite(null);
    await migrate(db);
    return { db, cleanup: () => db.close() };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db);
  return {
    db,
    cleanup: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task(i)` for i in [0, n) with `concurrency` workers; returns per-call latencies (ms) and wall seconds. */
export async function drive(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const s = performance.now();
        await task(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), seconds };
}

export const fmt = (r: { perSec: number; p50: number; p99: number }) =>
  `${r.perSec.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms`;
