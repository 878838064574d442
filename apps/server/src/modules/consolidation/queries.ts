import type { Queryable } from '../../db/index.ts';

export async function cityTimeZone(q: Queryable, cityId: string): Promise<string | undefined> {
  return (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone;
}

export interface DayProblemRow {
  id: string;
  title: string;
  status: string;
  risk_level: 'red' | 'yellow' | 'green' | null;
  responsible_unit_id: string | null;
  proposed_unit_id: string | null;
  unit_name: string | null;
  cooperating_unit_ids: string[];
  cooperating_unit_names: string[];
  subcategory_code: string | null;
  category_code: string | null;
  address: string | null;
  district_name: string | null;
  report_count: number;
  first_reported_at: Date;
  created_at: Date;
  judged_at: Date | null;
  deadline: Date | null;
  notice_no: string | null;
  is_new: boolean;
  is_judged: boolean;
  is_pending_red: boolean;
  is_late: boolean;
}

/**
 * The problems of a day's list (merged and dismissed ones need no action and are left out):
 * - new: entered the pool in [from, to);
 * - judged: judged in [from, to);
 * - pending_red: judged red before the day and still waiting to be assigned;
 * - late: entered the pool the day before ([prevFrom, from)) but missing from that day's
 *   compiled list, because they came after its 20:00 compile: without this, whatever is
 *   reported between the compile and midnight would be on no list at all.
 */
export async function dayProblems(
  q: Queryable,
  cityId: string,
  w: { from: Date; to: Date; prevDay: string; prevFrom: Date },
): Promise<DayProblemRow[]> {
  return q.query<DayProblemRow>(
    `WITH prev AS (SELECT items FROM consolidations WHERE city_id = $1 AND day = $4::date),
          prev_ids AS (SELECT (e->>'problemId')::uuid AS id FROM prev, jsonb_array_elements(prev.items) e),
          flagged AS (
            SELECT p.*,
                   (p.created_at >= $2 AND p.created_at < $3) AS is_new,
                   (p.judged_at IS NOT NULL AND p.judged_at >= $2 AND p.judged_at < $3) AS is_judged,
                   (p.status = 'pending_judgment' AND p.risk_level = 'red' AND p.created_at < $2) AS is_pending_red,
                   (p.created_at >= $5 AND p.created_at < $2 AND EXISTS (SELECT 1 FROM prev)
                     AND NOT EXISTS (SELECT 1 FROM prev_ids WHERE prev_ids.id = p.id)) AS is_late
              FROM problems p
             WHERE p.city_id = $1 AND p.status NOT IN ('merged', 'dismissed')
               AND ((p.created_at >= $5 AND p.created_at < $3)
                    OR (p.judged_at >= $2 AND p.judged_at < $3)
                    OR (p.status = 'pending_judgment' AND p.risk_level = 'red' AND p.created_at < $2)))
     SELECT f.id, f.title, f.status, f.risk_level, f.responsible_unit_id, f.proposed_unit_id, f.cooperating_unit_ids,
            COALESCE(ru.name, pu.name) AS unit_name,
            ARRAY(SELECT COALESCE(cu.name, '') FROM unnest(f.cooperating_unit_ids) WITH ORDINALITY AS co(id, n)
                    LEFT JOIN units cu ON cu.city_id = f.city_id AND cu.id = co.id ORDER BY co.n) AS cooperating_unit_names, f.subcategory_code, f.category_code, f.address, d.name AS district_name,
            f.report_count, f.first_reported_at, f.created_at, f.judged_at, f.deadline, f.notice_no,
            f.is_new, f.is_judged, f.is_pending_red, f.is_late
       FROM flagged f
       LEFT JOIN units ru ON ru.city_id = f.city_id AND ru.id = f.responsible_unit_id
       LEFT JOIN units pu ON pu.city_id = f.city_id AND pu.id = f.proposed_unit_id
       LEFT JOIN areas d ON d.city_id = f.city_id AND d.id = f.district_id
      WHERE f.is_new OR f.is_judged OR f.is_pending_red OR f.is_late
      ORDER BY f.created_at, f.id`,
    [cityId, w.from, w.to, w.prevDay, w.prevFrom],
  );
}

export interface ConsolidationRow {
  day: string;
  compiled_at: Date;
  items: unknown[];
  counts: Record<string, number>;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  reviewer_name: string | null;
  review_note: string | null;
  pushed_at: Date | null;
}

const rowColumns = `to_char(c.day, 'YYYY-MM-DD') AS day, c.compiled_at, c.items, c.counts, c.reviewed_at, c.reviewed_by,
  u.display_name AS reviewer_name, c.review_note, c.pushed_at`;
const reviewerJoin = `LEFT JOIN users u ON u.city_id = c.city_id AND u.id = c.reviewed_by`;

/**
 * Writes the day's list, replacing an earlier compile only while nobody has acted on it:
 * once reviewed or pushed, the list is what the office signed or the units received.
 * Answers false when the stored list was kept.
 */
export async function upsertConsolidation(
  q: Queryable,
  cityId: string,
  c: { day: string; compiledAt: Date; items: unknown[]; counts: object },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO consolidations (city_id, day, compiled_at, items, counts) VALUES ($1, $2::date, $3, $4, $5)
     ON CONFLICT (city_id, day) DO UPDATE SET compiled_at = EXCLUDED.compiled_at, items = EXCLUDED.items, counts = EXCLUDED.counts
      WHERE consolidations.reviewed_at IS NULL AND consolidations.pushed_at IS NULL
     RETURNING day`,
    [cityId, c.day, c.compiledAt, JSON.stringify(c.items), JSON.stringify(c.counts)],
  );
  return rows.length > 0;
}

export async function consolidationByDay(q: Queryable, cityId: string, day: string, forUpdate = false): Promise<ConsolidationRow | undefined> {
  const rows = await q.query<ConsolidationRow>(
    `SELECT ${rowColumns} FROM consolidations c ${reviewerJoin} WHERE c.city_id = $1 AND c.day = $2::date ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
    [cityId, day],
  );
  return rows[0];
}

/** Newest first; `pushedOnly` for units, who receive a list when it is pushed. */
export async function listConsolidations(
  q: Queryable,
  cityId: string,
  o: { before: string | null; limit: number; pushedOnly: boolean; withItems: boolean },
): Promise<ConsolidationRow[]> {
  const cols = o.withItems ? rowColumns : rowColumns.replace('c.items', `'[]'::jsonb AS items`);
  return q.query<ConsolidationRow>(
    `SELECT ${cols} FROM consolidations c ${reviewerJoin}
      WHERE c.city_id = $1 AND ($2::date IS NULL OR c.day < $2::date) AND (NOT $3 OR c.pushed_at IS NOT NULL)
      ORDER BY c.day DESC LIMIT $4`,
    [cityId, o.before, o.pushedOnly, o.limit],
  );
}

export async function markReviewed(q: Queryable, cityId: string, day: string, userId: string | null, note: string | null): Promise<boolean> {
  const rows = await q.query(
    `UPDATE consolidations SET reviewed_at = now(), reviewed_by = $3, review_note = $4
      WHERE city_id = $1 AND day = $2::date AND reviewed_at IS NULL RETURNING day`,
    [cityId, day, userId, note],
  );
  return rows.length > 0;
}

/** Claims the push: only the first caller gets the row back, so each list goes out once. */
export async function claimPush(q: Queryable, cityId: string, day: string): Promise<{ items: unknown[]; reviewed_at: Date | null } | undefined> {
  const rows = await q.query<{ items: unknown[]; reviewed_at: Date | null }>(
    `UPDATE consolidations SET pushed_at = now() WHERE city_id = $1 AND day = $2::date AND pushed_at IS NULL RETURNING items, reviewed_at`,
    [cityId, day],
  );
  return rows[0];
}
