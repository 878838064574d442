import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import exifr from 'exifr';
import { newCity, type TestCity } from './harness.ts';
import { blobExists, photo, rawGet, sha256, snapshot, upload } from './fixtures/intake.ts';

describe('uploads', () => {
  let city: TestCity;
  before(async () => {
    city = await newCity();
  });

  test('a phone photo is stored with its EXIF GPS, time, size and a perceptual hash', async () => {
    const jpeg = photo('photo-gps.jpg');
    const res = await upload(city, jpeg, 'IMG_0001.JPG');
    assert.equal(res.status, 201, res.body);
    const f = res.json();
    assert.equal(f.mime, 'image/jpeg');
    assert.equal(f.bytes, jpeg.length);
    assert.deepEqual([f.width, f.height], [160, 120]);
    assert.ok(Math.abs(f.exif.lng - 113.6005) < 1e-6 && Math.abs(f.exif.lat - 34.7005) < 1e-6, JSON.stringify(f.exif));
    assert.match(f.exif.takenAt, /^2026-03-05T/);
    assert.match(f.phash, /^[0-9a-f]{16}$/);
    assert.notEqual(f.phash, '0000000000000000');
    assert.equal(await blobExists(jpeg), true, 'the original is kept, content-addressed');
  });

  test('the public copy and the thumbnail carry no EXIF at all, and the original is never served', async () => {
    const f = (await upload(city, photo('photo-gps.jpg'))).json();
    for (const variant of ['public', 'thumb']) {
      const res = await rawGet(city, `/api/v1/files/${f.id}/${variant}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      const body = res.rawPayload;
      assert.notEqual(sha256(body), sha256(photo('photo-gps.jpg')));
      assert.equal(body.includes(Buffer.from('Exif\0\0')), false, `${variant} has an EXIF block`);
      assert.equal(await exifr.gps(body).catch(() => undefined), undefined);
    }
    assert.equal((await rawGet(city, `/api/v1/files/${f.id}/original`)).statusCode, 404);
  });

  test('a PNG is accepted, judged by its content', async () => {
    const res = await upload(city, photo('photo.png'), 'screenshot.jpg', 'image/jpeg');
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().mime, 'image/png');
    assert.deepEqual(res.json().exif, {});
  });

  test('the same photo sent twice is two uploads of one stored blob, with the same hash', async () => {
    const a = (await upload(city, photo('photo-nogps.jpg'))).json();
    const b = (await upload(city, photo('photo-nogps.jpg'))).json();
    assert.notEqual(a.id, b.id);
    assert.equal(a.phash, b.phash);
  });

  test('a zip renamed .jpg is refused as an unsupported type and nothing is kept', async () => {
    const zip = photo('zip-renamed.jpg');
    const before = await snapshot(city);
    const res = await upload(city, zip, 'holiday.jpg', 'image/jpeg');
    assert.equal(res.status, 415);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'upload.unsupported_type');
    assert.equal(res.json().detected, 'application/zip');
    assert.deepEqual(await snapshot(city), before);
    assert.equal(await blobExists(zip), false);
  });

  test('a broken JPEG is refused as a broken image and nothing is kept', async () => {
    const broken = photo('broken.jpg');
    const before = await snapshot(city);
    const res = await upload(city, broken);
    assert.equal(res.status, 422);
    assert.equal(res.json().code, 'upload.broken_image');
    assert.deepEqual(await snapshot(city), before);
    assert.equal(await blobExists(broken), false);
  });

  test('an upload over the size limit is refused with 413 while streaming and nothing is kept', async () => {
    const big = Buffer.concat([photo('photo-nogps.jpg'), Buffer.alloc(15 * 1024 * 1024 + 10, 0x20)]);
    const before = await snapshot(city);
    const res = await upload(city, big);
    assert.equal(res.status, 413);
    assert.equal(res.json().code, 'upload.too_large');
    assert.equal(res.json().maxBytes, 15 * 1024 * 1024);
    assert.deepEqual(await snapshot(city), before);
    assert.equal(await blobExists(big), false);
  });

  test('a request that is not multipart, or has no file, is a clear 4xx', async () => {
    const { anonymous } = await import('./harness.ts');
    const json = await (await anonymous(city)).post('/api/v1/uploads', { file: 'aGVsbG8=' });
    assert.equal(json.status, 415);
    assert.equal(json.json().code, 'request.unsupported_media_type');
    const empty = await upload(city, Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.equal(empty.json().code, 'upload.no_file');
  });

  test('an unknown file id is a 404 problem', async () => {
    const res = await rawGet(city, `/api/v1/files/${crypto.randomUUID()}/public`);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'resource.not_found');
  });
});
