import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { AppError } from '../../http/errors.ts';
import { ImportBatch, ImportListQuery, Mapping, Preview, type MappingT } from './schemas.ts';
import { importBatches, previewImport, runImport } from './service.ts';

/** Hotline exports run to tens of MB; the app's body limit (20 MB) caps a file. */
const maxFileBytes = 20 * 1024 * 1024;

/** Reads the multipart form: the `file` and the other fields, whatever their order. */
async function readForm(request: FastifyRequest): Promise<{ data: Buffer; fileName: string; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new AppError('request.unsupported_media_type', undefined, 'Send the file as multipart/form-data, field "file"');
  const fields: Record<string, string> = {};
  let file: { data: Buffer; fileName: string } | null = null;
  for await (const part of request.parts({ limits: { fileSize: maxFileBytes + 1, files: 1 } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > maxFileBytes) throw new AppError('upload.too_large');
      if (part.fieldname === 'file') file = { data, fileName: part.filename };
    } else fields[part.fieldname] = String(part.value);
  }
  if (!file) throw new AppError('upload.no_file', undefined, 'The form has no "file"');
  return { ...file, fields };
}

export default async function hotlineRoutes(app: App) {
  app.post(
    '/imports/preview',
    {
      config: { permission: 'import.create' },
      schema: {
        tags: ['imports'],
        summary: 'Read a 12345 hotline export or audit sheet (CSV or XLSX): its columns, first rows and a suggested column mapping',
        consumes: ['multipart/form-data'],
        response: { 200: Preview },
      },
    },
    async (request) => previewImport((await readForm(request)).data),
  );

  app.post(
    '/imports',
    {
      config: { permission: 'import.create' },
      schema: {
        tags: ['imports'],
        summary: 'Import the rows of a file as clues, with a column mapping',
        description:
          'Multipart: `file` (CSV in UTF-8 or GBK, or XLSX), `source` (`hotline` or `audit`), `mapping` (JSON, field → column: text, lng, lat, address, occurredAt, externalId, phone, name, category). Rows already imported (same externalId for the source, else the same row) add nothing; unreadable rows are listed with their row number and reason, the rest go in.',
        consumes: ['multipart/form-data'],
        response: { 201: ImportBatch },
      },
    },
    async (request, reply) => {
      const { data, fileName, fields } = await readForm(request);
      const source = fields.source ?? 'hotline';
      if (source !== 'hotline' && source !== 'audit') throw new AppError('request.invalid', undefined, 'source must be hotline or audit');
      let mapping: unknown;
      try {
        mapping = JSON.parse(fields.mapping ?? '');
      } catch {
        throw new AppError('import.bad_mapping', undefined, 'mapping must be a JSON object of field → column name');
      }
      if (!Value.Check(Mapping, mapping)) throw new AppError('import.bad_mapping', undefined, `mapping fields are: ${Object.keys(Mapping.properties).join(', ')}`);
      const batch = await runImport(app.db, request.actor, { data, fileName, source, mapping: mapping as MappingT }, request.ip);
      return reply.status(201).send(batch);
    },
  );

  app.get(
    '/imports',
    {
      config: { permission: 'import.read' },
      schema: { tags: ['imports'], summary: 'Import batches, newest first, with their counts and failed rows', querystring: ImportListQuery, response: { 200: Type.Array(ImportBatch) } },
    },
    async (request) => importBatches(app.db, request.actor.cityId, request.query.limit ?? 50),
  );
}
