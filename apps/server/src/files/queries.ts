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
