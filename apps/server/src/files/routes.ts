import type { App } from '../http/app.ts';
import { AppError } from '../http/errors.ts';
import { publicRateLimit } from '../http/rate.ts';
import { contentDisposition } from '../documents/download.ts';
import { EvidenceFile, FileIdParams, Upload } from './schemas.ts';
import { evidenceBlob, publicBlob, storeEvidence, storeUpload } from './service.ts';

export default async function fileRoutes(app: App) {
  // Signed-in staff and API keys are not limited; anonymous citizens are, per address.
  const publicRate = publicRateLimit(app);

  app.post(
    '/uploads',
    {
      config: { permission: 'upload.create', rateLimit: publicRate },
      schema: {
        tags: ['files'],
        summary: 'Upload one photo (multipart, field `file`) before submitting a report',
        description:
          'JPEG, PNG, WebP or HEIC, judged by content. The answer carries the EXIF GPS (to fill the place) and the id to list in `mediaIds`. Errors: `upload.too_large` 413, `upload.unsupported_type` 415, `upload.broken_image` 422.',
        consumes: ['multipart/form-data'],
        response: { 201: Upload },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('request.unsupported_media_type', undefined, 'Send the photo as multipart/form-data');
      const part = await request.file({ limits: { fileSize: app.config.UPLOAD_MAX_BYTES + 1, files: 1 } });
      if (!part) throw new AppError('upload.no_file');
      const stored = await storeUpload(app.db, request.actor, part.file, part.filename, { ip: request.ip, maxBytes: app.config.UPLOAD_MAX_BYTES });
      return reply.status(201).send(stored);
    },
  );

  for (const variant of ['public', 'thumb'] as const) {
    app.get(
      `/files/:id/${variant}`,
      {
        config: { permission: 'file.read_public' },
        schema: {
          tags: ['files'],
          summary: variant === 'public' ? 'A photo, re-encoded without EXIF (never the original)' : 'A photo thumbnail (320 px, no EXIF)',
          params: FileIdParams,
        },
      },
      async (request, reply) => {
        const blob = await publicBlob(app.db, request.actor.cityId, request.params.id, variant);
        return reply
          .type('image/jpeg')
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('etag', `"${blob.sha256}"`)
          .header('x-content-type-options', 'nosniff')
          .send(blob.stream);
      },
    );
  }

  // Close-out evidence (销号三件套, SPEC.md M7): the third-party test report and the
  // satisfaction receipt arrive as a PDF or as a photo of the paper.
  app.post(
    '/evidence',
    {
      config: { permission: 'evidence.upload' },
      schema: {
        tags: ['files'],
        summary: 'Upload one close-out document (multipart, field `file`): a PDF or a photo',
        description:
          'Judged by content, not by name: PDF kept byte for byte; JPEG, PNG, WebP or HEIC handled like report photos (EXIF-free public copy). Cite the answer\'s `id` in the close-out. Errors: `upload.too_large` 413, `evidence.unsupported_type` 415, `upload.broken_image` 422.',
        consumes: ['multipart/form-data'],
        response: { 201: EvidenceFile },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('request.unsupported_media_type', undefined, 'Send the file as multipart/form-data');
      const part = await request.file({ limits: { fileSize: app.config.UPLOAD_MAX_BYTES + 1, files: 1 } });
      if (!part) throw new AppError('upload.no_file');
      const stored = await storeEvidence(app.db, request.actor, part.file, part.filename, { ip: request.ip, maxBytes: app.config.UPLOAD_MAX_BYTES });
      return reply.status(201).send(stored);
    },
  );

  app.get(
    '/evidence/:id',
    {
      config: { permission: 'case.read' },
      schema: {
        tags: ['files'],
        summary: 'Read a close-out document: a PDF as sent, a photo as its EXIF-free copy (never the original)',
        description: 'Visible to those who see every case, to the uploader and their unit, and to whoever sees a case citing it; otherwise 404.',
        params: FileIdParams,
      },
    },
    async (request, reply) => {
      const blob = await evidenceBlob(app.db, request.actor, request.params.id);
      // inline, so the browser's PDF viewer shows it; nosniff, so nothing else is guessed from the bytes
      return reply
        .type(blob.mime)
        .header('content-disposition', contentDisposition('inline', blob.name || `evidence${blob.mime === 'application/pdf' ? '.pdf' : '.jpg'}`))
        .header('cache-control', 'private, max-age=3600')
        .header('etag', `"${blob.sha256}"`)
        .header('x-content-type-options', 'nosniff')
        .send(blob.stream);
    },
  );
}
