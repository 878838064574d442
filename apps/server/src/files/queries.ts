import type { Queryable } from '../db/index.ts';
import type { PhotoExif } from './images.ts';

export interface FileRow {
  id: string;
  sha256: string;
  public_sha256: string | null;
  thumb_sha256: string | null;
  name: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  exif: PhotoExif;
  phash: string | null;
  created_at: Date;
}

const cols = `id, sha256, public_sha256, thumb_sha256, name, mime, bytes, width, height, exif, phash, created_at`;

export async function insertFile(
  q: Queryable,
  cityId: string,
  f: Omit<FileRow, 'id' | 'created_at'> & { uploadedBy: string | null; uploadedByLabel: string; ip: string | null },
): Promise<FileRow> {
  const rows = await q.query<FileRow>(
    `INSERT INTO files (city_id, sha256, public_sha256, thumb_sha256, name, mime, bytes, width, height, exif, phash, uploaded_by, uploaded_by_label, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${cols}`,
    [cityId, f.sha256, f.public_sha256, f.thumb_sha256, f.name, f.mime, f.bytes, f.width, f.height, JSON.stringify(f.exif), f.phash, f.uploadedBy, f.uploadedByLabel, f.ip],
  );
  return rows[0]!;
}

export async function fileById(q: Queryable, cityId: string, id: string): Promise<FileRow | undefined> {
  return (await q.query<FileRow>(`SELECT ${cols} FROM files WHERE city_id = $1 AND id = $2`, [cityId, id]))[0];
}

export async function filesByIds(q: Queryable, cityId: string, ids: string[]): Promise<FileRow[]> {
  if (ids.length === 0) return [];
  return q.query<FileRow>(`SELECT ${cols} FROM files WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]);
}

/**
 * Whether a close-out document may be read by someone who does not see every case: they
 * (or a colleague of their unit) uploaded it, or it is cited by a case in their scope —
 * in its current close-out or anywhere in its timeline (an earlier, returned submission).
 * Matched on the quoted id in the JSON, whatever shape the citing record has.
 */
export async function evidenceVisible(
  q: Queryable,
  cityId: string,
  fileId: string,
  who: { userId: string | null; unitId: string | null },
  scope: { sql: string; params: unknown[] },
): Promise<boolean> {
  const rows = await q.query<{ ok: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM files f
        WHERE f.city_id = $1 AND f.id = $2::uuid
          AND (f.uploaded_by = $3::uuid
               OR f.uploaded_by IN (SELECT u.id FROM users u WHERE u.city_id = $1 AND u.unit_id = $4::uuid)
               OR EXISTS (SELECT 1 FROM problems p
                           WHERE p.city_id = $1
                             AND (p.closeout::text LIKE $5
                                  OR EXISTS (SELECT 1 FROM problem_events pe
                                              WHERE pe.city_id = p.city_id AND pe.problem_id = p.id AND pe.details::text LIKE $5))
                             AND ${scope.sql}))
     ) AS ok`,
    [cityId, fileId, who.userId, who.unitId, `%"${fileId}"%`, ...scope.params],
  );
  return rows[0]?.ok === true;
}
