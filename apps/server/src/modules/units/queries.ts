import type { Queryable } from '../../db/index.ts';
import type { StaffSlot, UnitKind } from '@cityloop/domain';

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: UnitKind;
  district_id: string | null;
  phone: string | null;
  address: string | null;
  active: boolean;
}

export interface StaffRow {
  unit_id: string;
  user_id: string;
  username: string;
  display_name: string;
  staff_slot: StaffSlot;
  phone: string | null;
}

const cols = `id, code, name, name_en, kind, district_id, phone, address, active`;

export async function listUnits(
  q: Queryable,
  cityId: string,
  f: { kind?: string | undefined; q?: string | undefined; onlyId?: string | null | undefined },
): Promise<UnitRow[]> {
  return q.query<UnitRow>(
    `SELECT ${cols} FROM units
      WHERE city_id = $1
        AND ($2::text IS NULL OR kind = $2)
        AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0 OR strpos(lower(code), lower($3)) > 0)
        AND ($4::boolean IS FALSE OR id = $5::uuid)
      ORDER BY code`,
    [cityId, f.kind ?? null, f.q ?? null, f.onlyId !== undefined, f.onlyId ?? null],
  );
}

export async function unitById(q: Queryable, cityId: string, id: string): Promise<UnitRow | undefined> {
  return (await q.query<UnitRow>(`SELECT ${cols} FROM units WHERE city_id = $1 AND id = $2`, [cityId, id]))[0];
}

/** The A/B staff of the given units, A before B. */
export async function staffOfUnits(q: Queryable, cityId: string, unitIds: string[]): Promise<StaffRow[]> {
  if (unitIds.length === 0) return [];
  return q.query<StaffRow>(
    `SELECT unit_id, id AS user_id, username, display_name, staff_slot, phone
       FROM users
      WHERE city_id = $1 AND unit_id = ANY($2::uuid[]) AND staff_slot IS NOT NULL
      ORDER BY unit_id, staff_slot`,
    [cityId, unitIds],
  );
}

export async function insertUnit(
  q: Queryable,
  cityId: string,
  u: { code: string; name: string; nameEn: string; kind: string; districtId: string | null; phone: string | null; address: string | null },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO units (city_id, code, name, name_en, kind, district_id, phone, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [cityId, u.code, u.name, u.nameEn, u.kind, u.districtId, u.phone, u.address],
  );
  return rows[0]!.id;
}

/** Writes the whole row; the service merges the patch onto the current one first. */
export async function updateUnit(q: Queryable, cityId: string, id: string, u: Omit<UnitRow, 'id'>): Promise<void> {
  await q.query(
    `UPDATE units SET code = $3, name = $4, name_en = $5, kind = $6, district_id = $7, phone = $8, address = $9, active = $10
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, u.code, u.name, u.name_en, u.kind, u.district_id, u.phone, u.address, u.active],
  );
}

export async function countUnits(q: Queryable, cityId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM units WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]))[0]!.n;
}
