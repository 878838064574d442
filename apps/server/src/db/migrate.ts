import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.ts';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Applies numbered SQL files (`001_name.sql`, …) not yet recorded in
 * `schema_migrations`, each in its own transaction. An advisory lock keeps two
 * server processes starting at once from both migrating.
 */
export async function migrate(db: Db): Promise<string[]> {
  const names = (await fs.readdir(migrationsDir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  const files = await Promise.all(
    names.map(async (f) => ({ version: f.replace(/\.sql$/, ''), sql: await fs.readFile(path.join(migrationsDir, f), 'utf8') })),
  );
  return db.tx(async (q) => {
    await q.query(`SELECT pg_advisory_xact_lock(4242001)`);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q.query<{ version: string }>(`SELECT version FROM schema_migrations`)).map((r) => r.version));
    const applied: string[] = [];
    for (const { version, sql } of files) {
      if (done.has(version)) continue;
      await q.exec(sql);
      await q.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, [version]);
      applied.push(version);
    }
    return applied;
  });
}
