import type { Queryable } from '../../db/index.ts';
import type { ExpertField, ExpertMode } from '@cityloop/domain';

export interface ExpertRow {
  id: string;
  user_id: string | null;
  name: string;
  organisation: string;
  title: string;
  phone: string | null;
  fields: ExpertField[];
  mode: ExpertMode;
  available: boolean;
  conflict_unit_ids: string[];
}

const select = `
  SELECT e.id, e.user_id, e.name, e.organisation, e.title, e.phone, e.fields, e.mode, e.available,
         COALESCE((SELECT array_agg(c.unit_id::text ORDER BY c.unit_id)
                     FROM expert_conflicts c WHERE c.city_id = e.city_id AND c.expert_id = e.id), ARRAY[]::text[]) AS conflict_unit_ids
    FROM experts e`;

export async function listExperts(
  q: Queryable,
  cityId: string,
  f: { field?: string | undefined; mode?: string | undefined; available?: boolean | undefined },
): Promise<ExpertRow[]> {
  return q.query<ExpertRow>(
    `${select}
      WHERE e.city_id = $1
        AND ($2::text IS NULL OR $2 = ANY(e.fields))
        AND ($3::text IS NULL OR e.mode = $3)
        AND ($4::boolean IS NULL OR e.available = $4)
      ORDER BY e.name, e.id`,
    [cityId, f.field ?? null, f.mode ?? null, f.available ?? null],
  );
}

export async function expertById(q: Queryable, cityId: string, id: string): Promise<ExpertRow | undefined> {
  return (await q.query<ExpertRow>(`${select} WHERE e.city_id = $1 AND e.id = $2`, [cityId, id]))[0];
}

type ExpertValues = Omit<ExpertRow, 'id' | 'conflict_unit_ids'>;

export async function insertExpert(q: Queryable, cityId: string, e: ExpertValues): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO experts (city_id, user_id, name, organisation, title, phone, fields, mode, available)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9) RETURNING id`,
    [cityId, e.user_id, e.name, e.organisation, e.title, e.phone, e.fields, e.mode, e.available],
  );
  return rows[0]!.id;
}

export async function updateExpert(q: Queryable, cityId: string, id: string, e: ExpertValues): Promise<void> {
  await q.query(
    `UPDATE experts SET user_id = $3, name = $4, organisation = $5, title = $6, phone = $7, fields = $8::text[], mode = $9, available = $10
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, e.user_id, e.name, e.organisation, e.title, e.phone, e.fields, e.mode, e.available],
  );
}

export async function setConflicts(q: Queryable, cityId: string, expertId: string, unitIds: string[]): Promise<void> {
  await q.query(`DELETE FROM expert_conflicts WHERE city_id = $1 AND expert_id = $2`, [cityId, expertId]);
  if (unitIds.length === 0) return;
  await q.query(
    `INSERT INTO expert_conflicts (city_id, expert_id, unit_id) SELECT $1, $2, u FROM unnest($3::uuid[]) AS u`,
    [cityId, expertId, unitIds],
  );
}
