import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db, Queryable } from '../db/index.ts';
import { actorId, actorLabel, type Actor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import { derive, photoMimes, readExif, sniffMime, type PhotoExif } from './images.ts';
import { caseScopeSql } from '../modules/cases/scope.ts';
import { evidenceVisible, fileById, filesByIds, insertFile, type FileRow } from './queries.ts';
import { blobStoreFor } from './store.ts';

export { bindBlobStore, blobStoreFor } from './store.ts';
export type { PhotoExif } from './images.ts';

export interface StoredUpload {
  id: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  exif: PhotoExif;
  phash: string | null;
}

function stored(r: FileRow): StoredUpload {
  return { id: r.id, mime: r.mime, bytes: r.bytes, width: r.width, height: r.height, exif: r.exif, phash: r.phash };
}

class TooLarge extends Error {}

export const pdfMime = 'application/pdf';

// eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped from a file name
const cleanName = (name: string) => name.replace(/[\u0000-\u001f]/g, '').slice(0, 200);

/**
 * Receives one photo: streams it to a temp file (counting and hashing on the
 * way, refusing past the size limit), sniffs its type from the content, reads
 * EXIF, decodes it fully to make the public copy, thumbnail and dHash, moves
 * the three blobs into the content-addressed store and records the file.
 * With `opts.pdf`, a PDF is accepted too and kept as it came (close-out documents).
 * Whatever fails, nothing stays behind: no temp file, no new blob, no row.
 */
export async function storeUpload(
  db: Db,
  actor: Actor,
  input: Readable | Buffer,
  declaredName: string,
  /** `pdf`: also accept a PDF (judged by content), stored as it came, with no public copy */
  opts: { ip?: string | null; maxBytes?: number; pdf?: boolean } = {},
): Promise<StoredUpload> {
  const store = blobStoreFor(db);
  const maxBytes = opts.maxBytes ?? store.maxUploadBytes;
  const tmp = await store.tmpPath();
  const created: string[] = [];
  try {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new TooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (err instanceof TooLarge || code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('upload.too_large', { maxBytes });
      throw err;
    }
    // A multipart stream cut at its own limit ends quietly, marked truncated.
    if ((input as { truncated?: boolean }).truncated) throw new AppError('upload.too_large', { maxBytes });
    if (bytes === 0) throw new AppError('upload.no_file', undefined, 'The file is empty');
    const sha256 = hash.digest('hex');

    const mime = await sniffMime(tmp);
    const record = (f: Pick<FileRow, 'public_sha256' | 'thumb_sha256' | 'width' | 'height' | 'exif' | 'phash'>) =>
      insertFile(db, actor.cityId, {
        sha256,
        name: cleanName(declaredName),
        mime: mime!,
        bytes,
        ...f,
        uploadedBy: actor.kind === 'user' ? actorId(actor) : null,
        uploadedByLabel: actorLabel(actor),
        ip: opts.ip ?? null,
      });
    if (mime === pdfMime && opts.pdf) {
      // A document (third-party test report, satisfaction receipt) is kept as sent: there is
      // nothing to strip or thumbnail, and the bytes are the evidence.
      if (await store.adopt(tmp, sha256)) created.push(sha256);
      const row = await record({ public_sha256: null, thumb_sha256: null, width: null, height: null, exif: {}, phash: null });
      created.length = 0;
      return stored(row);
    }
    if (!mime || !(photoMimes as readonly string[]).includes(mime)) {
      throw new AppError('upload.unsupported_type', { detected: mime ?? 'unknown' });
    }
    const exif = await readExif(tmp);
    let d;
    try {
      d = await derive(tmp);
    } catch (err) {
      throw new AppError('upload.broken_image', { reason: String((err as Error).message).slice(0, 200) });
    }

    const pub = await store.putBuffer(d.publicCopy);
    if (pub.created) created.push(pub.sha256);
    const thumb = await store.putBuffer(d.thumb);
    if (thumb.created) created.push(thumb.sha256);
    if (await store.adopt(tmp, sha256)) created.push(sha256);

    const row = await record({ public_sha256: pub.sha256, thumb_sha256: thumb.sha256, width: d.width, height: d.height, exif, phash: d.phash });
    created.length = 0;
    return stored(row);
  } finally {
    await fsp.rm(tmp, { force: true });
    // Blobs this call added but did not get recorded: take them out again.
    for (const sha of created) await store.remove(sha).catch(() => undefined);
  }
}

/** The files of the city among `ids`, in the order asked; unknown ids are left out. */
export async function filesOf(q: Queryable, cityId: string, ids: string[]): Promise<StoredUpload[]> {
  const rows = new Map((await filesByIds(q, cityId, ids)).map((r) => [r.id, r]));
  return ids.flatMap((id) => (rows.has(id) ? [stored(rows.get(id)!)] : []));
}

/**
 * The stripped public copy or the thumbnail of a file, as a stream. Never the
 * original: it carries the reporter's EXIF (GPS, phone model, time).
 */
export async function publicBlob(db: Db, cityId: string, id: string, variant: 'public' | 'thumb'): Promise<{ stream: Readable; sha256: string }> {
  const row = await fileById(db, cityId, id);
  const sha = variant === 'public' ? row?.public_sha256 : row?.thumb_sha256;
  if (!row || !sha) throw new AppError('resource.not_found');
  const store = blobStoreFor(db);
  if (!(await store.has(sha))) throw new AppError('resource.not_found');
  return { stream: store.read(sha), sha256: sha };
}

// ---------------------------------------------------------------- close-out evidence

export interface StoredEvidence extends StoredUpload {
  name: string;
  kind: 'photo' | 'pdf';
  /** where to read it back: a PDF as sent, a photo as its EXIF-free copy */
  url: string;
}

/**
 * A close-out document (第三方检测报告, 群众满意度回执, SPEC.md M7): a photo, handled exactly
 * as a report photo, or a PDF kept byte for byte. Anything else is refused by its content.
 */
export async function storeEvidence(
  db: Db,
  actor: Actor,
  input: Readable | Buffer,
  declaredName: string,
  opts: { ip?: string | null; maxBytes?: number } = {},
): Promise<StoredEvidence> {
  let f: StoredUpload;
  try {
    f = await storeUpload(db, actor, input, declaredName, { ...opts, pdf: true });
  } catch (err) {
    if (err instanceof AppError && err.code === 'upload.unsupported_type') throw new AppError('evidence.unsupported_type', err.details);
    throw err;
  }
  const row = (await fileById(db, actor.cityId, f.id))!;
  return { ...f, name: row.name, kind: f.mime === pdfMime ? 'pdf' : 'photo', url: `/api/v1/evidence/${f.id}` };
}

/**
 * An evidence file to read: a PDF as it was sent, a photo only as its public copy (never
 * the original, which carries EXIF). Those who see every case may read any file of the
 * city; the others only what they or their unit uploaded or what a case they see cites.
 * Unknown and not visible are the same 404.
 */
export async function evidenceBlob(db: Db, actor: Actor, id: string): Promise<{ stream: Readable; sha256: string; mime: string; name: string }> {
  const row = await fileById(db, actor.cityId, id);
  if (!row) throw new AppError('resource.not_found');
  const scope = caseScopeSql(actor, 'p', 6);
  // caseScopeSql answers exactly 'true' for the roles that see every case of the city.
  if (scope.sql !== 'true') {
    const who = actor.kind === 'user' ? { userId: actor.userId, unitId: actor.unitId } : { userId: null, unitId: null };
    if (!(await evidenceVisible(db, actor.cityId, id, who, scope))) throw new AppError('resource.not_found');
  }
  const sha = row.mime === pdfMime ? row.sha256 : row.public_sha256;
  const store = blobStoreFor(db);
  if (!sha || !(await store.has(sha))) throw new AppError('resource.not_found');
  return { stream: store.read(sha), sha256: sha, mime: row.mime === pdfMime ? pdfMime : 'image/jpeg', name: row.name };
}

