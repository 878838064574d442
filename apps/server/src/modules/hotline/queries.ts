import type { Queryable } from '../../db/index.ts';

export interface BatchRow {
  id: string;
  source: 'hotline' | 'audit';
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: string;
  mapping: Record<string, string>;
  rows_total: number;
  rows_created: number;
  rows_merged: number;
  rows_duplicate: number;
  rows_failed: number;
  failures: { row: number; code: string; reason: string }[];
  created_by_label: string;
  created_at: Date | string;
}

export async function insertBatch(
  q: Queryable,
  cityId: string,
  b: Omit<BatchRow, 'id' | 'created_at'> & { file_sha256: string; created_by: string | null },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO import_batches (city_id, source, file_name, file_sha256, format, encoding, mapping, rows_total, rows_created, rows_merged,
                                 rows_duplicate, rows_failed, failures, created_by, created_by_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      cityId, b.source, b.file_name, b.file_sha256, b.format, b.encoding, JSON.stringify(b.mapping), b.rows_total, b.rows_created, b.rows_merged,
      b.rows_duplicate, b.rows_failed, JSON.stringify(b.failures.slice(0, 500)), b.created_by, b.created_by_label,
    ],
  );
  return rows[0]!.id;
}

const cols = `id, source, file_name, format, encoding, mapping, rows_total, rows_created, rows_merged, rows_duplicate, rows_failed, failures, created_by_label, created_at`;

export async function listBatches(q: Queryable, cityId: string, limit: number): Promise<BatchRow[]> {
  return q.query<BatchRow>(`SELECT ${cols} FROM import_batches WHERE city_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [cityId, limit]);
}

export async function batchById(q: Queryable, cityId: string, id: string): Promise<BatchRow | undefined> {
  return (await q.query<BatchRow>(`SELECT ${cols} FROM import_batches WHERE city_id = $1 AND id = $2`, [cityId, id]))[0];
}
