import exifr from 'exifr';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { dHash, isValidLngLat } from '@cityloop/domain';

/** Photos we accept, judged by their content (magic bytes), never by the name or the declared type. */
export const photoMimes = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'] as const;

export async function sniffMime(file: string): Promise<string | null> {
  return (await fileTypeFromFile(file))?.mime ?? null;
}

export interface PhotoExif {
  lng?: number;
  lat?: number;
  takenAt?: string;
  make?: string;
  model?: string;
}

/** GPS position, time taken and camera from EXIF; a photo without (or with unreadable) EXIF has none. */
export async function readExif(file: string): Promise<PhotoExif> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(file, { gps: true, tiff: true, exif: true, xmp: false, icc: false, iptc: false });
  } catch {
    return {};
  }
  if (!tags) return {};
  const out: PhotoExif = {};
  const p = { lng: tags.longitude as number, lat: tags.latitude as number };
  if (isValidLngLat(p)) Object.assign(out, { lng: Math.round(p.lng * 1e7) / 1e7, lat: Math.round(p.lat * 1e7) / 1e7 });
  const taken = tags.DateTimeOriginal ?? tags.CreateDate;
  if (taken instanceof Date && !Number.isNaN(taken.getTime())) out.takenAt = taken.toISOString();
  if (typeof tags.Make === 'string') out.make = tags.Make.trim().slice(0, 100);
  if (typeof tags.Model === 'string') out.model = tags.Model.trim().slice(0, 100);
  return out;
}

export interface Derived {
  width: number;
  height: number;
  /** the photo upright and re-encoded without any metadata: what the public may see */
  publicCopy: Buffer;
  thumb: Buffer;
  phash: string;
}

const PUBLIC_MAX = 2048;
const THUMB_MAX = 320;

/**
 * Decodes the photo fully (a broken one throws here), and makes the public copy
 * (rotated by its EXIF orientation, then stripped: sharp writes no metadata
 * unless asked), the thumbnail and the dHash.
 */
export async function derive(file: string): Promise<Derived> {
  const base = () => sharp(file, { failOn: 'warning', limitInputPixels: 100_000_000 }).rotate();
  const meta = await sharp(file, { failOn: 'warning' }).metadata();
  const publicCopy = await base().resize(PUBLIC_MAX, PUBLIC_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: true }).toBuffer({ resolveWithObject: true });
  const thumb = await base().resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toBuffer();
  const g = await base().flatten({ background: '#ffffff' }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const grey = g.info.channels === 1 ? g.data : Uint8Array.from({ length: 72 }, (_, i) => g.data[i * g.info.channels]!);
  const upright = (meta.orientation ?? 1) >= 5;
  return {
    width: (upright ? meta.height : meta.width) ?? publicCopy.info.width,
    height: (upright ? meta.width : meta.height) ?? publicCopy.info.height,
    publicCopy: publicCopy.data,
    thumb,
    phash: dHash(grey),
  };
}
