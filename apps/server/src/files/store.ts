import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../db/index.ts';

/**
 * The blob store: bytes kept content-addressed by sha256 on disk
 * (`<dir>/ab/cd/abcd…`), so the same photo sent twice is stored once and a
 * stored blob can never change under its name. Writes go to `<dir>/tmp` first
 * and are renamed into place, so a half-received upload never shows up as a blob.
 */
export class BlobStore {
  readonly dir: string;
  /** the largest upload accepted, in bytes (config `UPLOAD_MAX_BYTES`) */
  readonly maxUploadBytes: number;
  constructor(dir: string, maxUploadBytes: number) {
    this.dir = path.resolve(dir);
    this.maxUploadBytes = maxUploadBytes;
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  get tmpDir(): string {
    return path.join(this.dir, 'tmp');
  }

  /** A fresh temp path, named after this process so a test can see its own leftovers. */
  async tmpPath(): Promise<string> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
  }

  async has(sha256: string): Promise<boolean> {
    return fsp.access(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Moves a finished temp file into place under its hash. Returns whether the
   * blob is new (so a caller whose later step fails may remove it again).
   */
  async adopt(tmp: string, sha256: string): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) {
      await fsp.rm(tmp, { force: true });
      return false;
    }
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(tmp, target);
    return true;
  }

  async putBuffer(data: Buffer): Promise<{ sha256: string; created: boolean }> {
    const sha256 = crypto.createHash('sha256').update(data).digest('hex');
    if (await this.has(sha256)) return { sha256, created: false };
    const tmp = await this.tmpPath();
    await fsp.writeFile(tmp, data);
    return { sha256, created: await this.adopt(tmp, sha256) };
  }

  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }

  read(sha256: string): Readable {
    return fs.createReadStream(this.pathOf(sha256));
  }

  async readBuffer(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.pathOf(sha256));
  }
}

const stores = new WeakMap<Db, BlobStore>();

/** Binds the blob store to a database (one app, one store); `buildApp` does this at start. */
export function bindBlobStore(db: Db, dir: string, maxUploadBytes: number): BlobStore {
  const store = new BlobStore(dir, maxUploadBytes);
  stores.set(db, store);
  return store;
}

export function blobStoreFor(db: Db): BlobStore {
  const store = stores.get(db);
  if (!store) throw new Error('no blob store bound to this database: call bindBlobStore(db, dir) first');
  return store;
}
