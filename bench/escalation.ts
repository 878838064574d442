/**
 * 三级督办: the daily escalation sweep (level 1: missed weekly reports and overdue cases,
 * resolution, one reminder per unit) over a city with 100k, 300k and 1M open cases, each
 * size its own city. The cases are made set-based with generate_series: 200 units, the
 * weekly-report clock spread over the last 10 days (so ~30% have missed a report), deadlines
 * spread from 10 days ago to 110 days ahead (~8% overdue), 2% red.
 *
 * Three sweeps per size:
 *  - backlog: the first sweep, creating every escalation due (each with its timeline event
 *    and chained audit row) — what a city sees once, after importing its open cases;
 *  - next day: the daily run a day later, creating what came due since (~1/7 of the silent);
 *  - repeat: the same day again, nothing new — the pure cost of looking.
 * Baselines in the same run, over the same rows: count(*) of the unit-held cases (index only)
 * and a full scan computing the weekly-report predicate without writing anything. Level 2
 * (the weekly verification tasks) is timed too: its first run of a fortnight and a repeat.
 * `BENCH_ESCALATION_SIZES=100000,300000` picks the sizes.
 */
import { createCity } from '../apps/server/src/modules/city/service.ts';
import type { Db } from '../apps/server/src/db/index.ts';
import { fortnightOf } from '@cityloop/domain';
import { sweepEscalations, sweepVerification } from '../apps/server/src/modules/escalation/service.ts';
import { detectionSql } from '../apps/server/src/modules/escalation/queries.ts';

const UNITS = 200;

const secs = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;
async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

export async function makeCity(db: Db, n: number, now: Date): Promise<string> {
  const code = `besc${n}x${Date.now() % 100000}`;
  const cityId = await db.tx((q) => createCity(q, { code, name: `督办压测${n}`, nameEn: 'escalation bench', center: [113.66, 34.75] }));
  await db.query(
    `INSERT INTO units (city_id, code, name, kind) SELECT $1, 'U' || g, '责任单位' || g, 'government' FROM generate_series(1, $2) g`,
    [cityId, UNITS],
  );
  // one A-staff account per unit (the reminders' readers) and the office
  await db.query(
    `INSERT INTO users (city_id, username, display_name, password_hash, roles, unit_id, staff_slot)
     SELECT $1, 'u' || u.code, u.name || 'A角', 'x', ARRAY['unit'], u.id, 'A' FROM units u WHERE u.city_id = $1`,
    [cityId],
  );
  await db.query(
    `INSERT INTO users (city_id, username, display_name, password_hash, roles) VALUES ($1, 'office', '办公室', 'x', ARRAY['office'])`,
    [cityId],
  );
  const unitIds = (await db.query<{ id: string }>(`SELECT id FROM units WHERE city_id = $1 ORDER BY code`, [cityId])).map((r) => r.id);
  const batch = 100_000;
  for (let from = 1; from <= n; from += batch) {
    await db.query(
      `INSERT INTO problems (city_id, status, title, geom, first_reported_at, last_reported_at, responsible_unit_id, deadline,
                             assigned_at, accepted_at, last_progress_at, risk_level, judged_at)
       SELECT $1, 'in_progress', '压测案件' || g,
              ST_SetSRID(ST_MakePoint(113.5 + (g % 997) * 0.0003, 34.6 + ((g / 997) % 997) * 0.0003), 4326),
              $2::timestamptz - interval '40 days', $2::timestamptz - interval '40 days',
              ($5::uuid[])[1 + g % ${UNITS}],
              $2::timestamptz + ((g::bigint * 7919) % 120 - 10) * interval '1 day',
              $2::timestamptz - interval '30 days', $2::timestamptz - interval '29 days',
              $2::timestamptz - ((g::bigint * 104729) % 14400) * interval '1 minute',
              CASE WHEN g % 50 = 0 THEN 'red' ELSE 'yellow' END, $2::timestamptz - interval '30 days'
         FROM generate_series($3::int, $4::int) g`,
      [cityId, now, from, Math.min(n, from + batch - 1), unitIds],
    );
  }
  await db.exec(`VACUUM ANALYZE problems`);
  return cityId;
}

async function explain(db: Db, sql: string, params: unknown[]): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

export async function benchEscalation(db: Db, sizes: number[]) {
  console.log(`\nescalation sweep (三级督办, level 1) on ${db.engine}: sizes ${sizes.join(', ')}`);
  const now = new Date();
  const results: {
    n: number;
    gen: number;
    count: number;
    scan: number;
    backlog: number;
    created: number;
    next: number;
    nextCreated: number;
    repeat: number;
    verify: number;
  }[] = [];
  for (const n of sizes) {
    const gen = await timed(() => makeCity(db, n, now));
    const cityId = gen.value;
    const count = await timed(() =>
      db.query(
        `SELECT count(*)::int FROM problems WHERE city_id = $1 AND status IN ('assigned', 'in_progress', 'extension_requested', 'returned', 'reopened')`,
        [cityId],
      ),
    );
    const scan = await timed(() =>
      db.query(
        `SELECT count(*) FILTER (WHERE greatest(assigned_at, accepted_at, last_progress_at, submitted_at) < $2::timestamptz - interval '7 days')::int AS missed,
                count(*) FILTER (WHERE deadline < $2)::int AS overdue
           FROM problems WHERE city_id = $1 AND status IN ('assigned', 'in_progress', 'extension_requested', 'returned', 'reopened')`,
        [cityId, now],
      ),
    );
    const backlog = await timed(() => sweepEscalations(db, cityId, { now }));
    // a day later autovacuum has seen the new rows; say so rather than wait for it
    await db.exec(`ANALYZE escalations; ANALYZE problem_events; ANALYZE audit_events`);
    const tomorrow = new Date(now.getTime() + 86_400_000);
    const next = await timed(() => sweepEscalations(db, cityId, { now: tomorrow }));
    const repeat = await timed(() => sweepEscalations(db, cityId, { now: tomorrow }));
    // level 2: the weekly job's first run of a fortnight (a task per case of concern), then looking again
    const verifyFirst = await timed(() => sweepVerification(db, cityId, { now: tomorrow }));
    const verify = await timed(() => sweepVerification(db, cityId, { now: tomorrow }));
    const b = backlog.value;
    const created = b.missedReports.created + b.overdue.created;
    const nextCreated = next.value.missedReports.created + next.value.overdue.created;
    results.push({
      n,
      gen: gen.ms,
      count: count.ms,
      scan: scan.ms,
      backlog: backlog.ms,
      created,
      next: next.ms,
      nextCreated,
      repeat: repeat.ms,
      verify: verify.ms,
    });
    const tasks = verifyFirst.value.created;
    console.log(
      `  ${String(n).padStart(8)} cases: made in ${secs(gen.ms)}; count ${secs(count.ms)}, scan ${secs(scan.ms)}; ` +
        `backlog sweep ${secs(backlog.ms)} (${created} escalations, ${((backlog.ms * 1000) / Math.max(1, created)).toFixed(0)} µs each, ${b.notified.units} reminders); ` +
        `next day ${secs(next.ms)} (${nextCreated} new); repeat ${secs(repeat.ms)}; ` +
        `level 2: first ${secs(verifyFirst.ms)} (${tasks} tasks), repeat ${secs(verify.ms)}`,
    );
    if (n === sizes.at(-1)) {
      console.log("\n  plans of the sweep's reads at the largest size (EXPLAIN):");
      for (const [name, sql] of Object.entries(detectionSql)) {
        const params = name === 'verification' ? [cityId, tomorrow, fortnightOf(tomorrow).key] : [cityId, tomorrow, 'Asia/Shanghai'];
        console.log(`  ${name}:\n` + (await explain(db, sql, params)).replace(/^/gm, '    '));
      }
    }
  }
  const first = results[0]!;
  console.log('\n  growth against the smallest size (linear = the size ratio):');
  for (const r of results) {
    const k = r.n / first.n;
    console.log(
      `  ${String(r.n).padStart(8)}: ×${k.toFixed(0)} cases → repeat sweep ×${(r.repeat / first.repeat).toFixed(1)}, next-day sweep ×${(r.next / first.next).toFixed(1)}, ` +
        `backlog ×${(r.backlog / first.backlog).toFixed(1)}, level-2 repeat ×${(r.verify / first.verify).toFixed(1)}, full scan ×${(r.scan / first.scan).toFixed(1)}; ` +
        `repeat sweep / full scan = ${(r.repeat / r.scan).toFixed(1)}, per case ${((r.repeat * 1000) / r.n).toFixed(2)} µs`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchDb } = await import('./engine.ts');
  const { db, cleanup } = await benchDb();
  try {
    const sizes = (process.env.BENCH_ESCALATION_SIZES ?? '100000,300000,1000000').split(',').map(Number);
    await benchEscalation(db, sizes);
  } finally {
    await cleanup();
  }
}
