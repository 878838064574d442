import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db, Queryable } from '../db/index.ts';
import { actorId, actorLabel, type Actor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import { derive, photoMimes, readExif, sniffMime, type PhotoExif } from './images.ts';
import { fileById, filesByIds, insertFile, type FileRow } from './queries.ts';
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

/**
 * Receives one photo: streams it to a temp file (counting and hashing on the
 * way, refusing past the size limit), sniffs its type from the content, reads
 * EXIF, decodes it fully to make the public copy, thumbnail and dHash, moves
 * the three blobs into the content-addressed store and records the file.
 * Whatever fails, nothing stays behind: no temp file, no new blob, no row.
 */
export async function storeUpload(
  db: Db,
  actor: Actor,
  input: Readable | Buffer,
  declaredName: string,
  opts: { ip?: string | null; maxBytes?: number } = {},
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

    const row = await insertFile(db, actor.cityId, {
      sha256,
      public_sha256: pub.sha256,
      thumb_sha256: thumb.sha256,
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped from a file name
      name: declaredName.replace(/[\u0000-\u001f]/g, '').slice(0, 200),
      mime,
      bytes,
      width: d.width,
      height: d.height,
      exif,
      phash: d.phash,
      uploadedBy: actor.kind === 'user' ? actorId(actor) : null,
      uploadedByLabel: actorLabel(actor),
      ip: opts.ip ?? null,
    });
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
