import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import pg from 'pg';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * One small interface over both engines. SQL is written by hand (PostGIS
 * needs it anyway) with `$1` parameters, and runs unchanged on PGlite
 * (PostgreSQL 18) and a real PostgreSQL 15.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; rolls back when it throws. Keep it short: PGlite has one connection. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function one<T>(q: Queryable, text: string, params?: readonly unknown[]): Promise<T | undefined> {
  const rows = await q.query<T>(text, params);
  return rows[0];
}

// int8 and numeric arrive as strings from node-postgres; counts are cast to int in SQL instead.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {
    /* a dropped idle client is replaced on the next checkout */
  });
  const run = async <T>(c: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) =>
    (await c.query(text, params as unknown[])).rows as T[];
  return {
    engine: 'postgres',
    query: (text, params) => run(pool, text, params),
    exec: async (sql) => void (await pool.query(sql)),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (text, params) => run(client, text, params),
          exec: async (sql) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The embedded engine: PGlite with PostGIS, data kept under `dataDir` (or in memory when null). */
export async function openPglite(dataDir: string | null): Promise<Db> {
  if (dataDir) await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { postgis } });
  return {
    engine: 'pglite',
    query: async (text, params) => (await db.query(text, params as unknown[])).rows as never,
    exec: async (sql) => void (await db.exec(sql)),
    // PGlite serialises everything on its single connection; a transaction holds it exclusively.
    tx: (fn) =>
      db.transaction((t) =>
        fn({
          query: async (text, params) => (await t.query(text, params as unknown[])).rows as never,
          exec: async (sql) => void (await t.exec(sql)),
        }),
      ),
    close: () => db.close(),
  };
}

export async function openDb(opts: { databaseUrl?: string | undefined; dataDir: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(path.join(opts.dataDir, 'pglite'));
}
