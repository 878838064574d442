/**
 * Open311 GeoReport v2 under `/open311/v2` (DESIGN.md fixed points). The spec's
 * paths end in the format (`services.json`, `requests/{id}.xml`); its errors are
 * a list of {code, description} in that format, which replaces problem+json
 * here and only here (this plugin's own error and not-found handlers).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { AppError, fromDatabaseError } from '../../http/errors.ts';
import { formatOf, formatOfUrl, send, sendErrors, toXml, toXmlObject, type Format } from './format.ts';
import { FormatParams, JurisdictionQuery, RequestParams, RequestsQuery, ServiceParams, TokenParams } from './schemas.ts';
import {
  flattenFields,
  getServiceDefinition,
  getServiceRequest,
  getToken,
  jurisdiction,
  listServiceRequests,
  listServices,
  postServiceRequest,
  type PostedMedia,
  type PostFields,
} from './service.ts';

const tags = ['open311'];

function formatParam(ext: string): Format {
  const f = formatOf(ext);
  if (!f) throw new AppError('request.not_found', undefined, `GeoReport v2 answers .json or .xml, not .${ext}`);
  return f;
}

/** The absolute URL of a report photo's public (EXIF-stripped) copy, as the spec's `media_url` wants. */
function mediaUrlFor(request: FastifyRequest) {
  const base = `${request.protocol}://${request.host}`;
  return (fileId: string) => `${base}/api/v1/files/${fileId}/public`;
}

/** Turns whatever failed into one of our catalogue errors, as the root handler does. */
function asAppError(error: unknown, request: FastifyRequest): AppError {
  const e = error as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (error instanceof AppError) {
    // Open311 clients know 400, 403 and 404: our 422s are bad arguments, a bad key is forbidden.
    if (error.code === 'auth.invalid_api_key') return new AppError('georeport.invalid_api_key');
    return error;
  }
  if (e.validation) return new AppError('georeport.invalid_field', undefined, e.message);
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) return new AppError('upload.too_large');
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) return new AppError('request.unsupported_media_type');
  if (e.statusCode === 429) return new AppError('request.rate_limited');
  if (e.statusCode === 400 || e.code?.startsWith('FST_')) return new AppError('georeport.invalid_field', undefined, e.message);
  const mapped = fromDatabaseError(error);
  if (mapped) return mapped;
  request.log.error({ err: error }, 'unhandled error');
  return new AppError('internal');
}

function statusFor(err: AppError): AppError {
  if (err.status === 422) {
    const again = new AppError(err.code, err.details, err.message);
    Object.defineProperty(again, 'status', { value: 400 });
    return again;
  }
  return err;
}

/** Reads a POST body: form fields (the spec's way), JSON, or multipart with a `media` file. */
async function readPost(request: FastifyRequest, maxBytes: number): Promise<{ fields: PostFields; media: PostedMedia | null }> {
  if (!request.isMultipart()) return { fields: flattenFields(request.body), media: null };
  const raw: Record<string, string> = {};
  let media: PostedMedia | null = null;
  for await (const part of request.parts({ limits: { fileSize: maxBytes + 1, files: 1 } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > maxBytes) throw new AppError('upload.too_large');
      if (part.fieldname !== 'media') throw new AppError('georeport.invalid_field', undefined, `unexpected file field ${part.fieldname}: send the photo as "media"`);
      if (data.length > 0) media = { data, filename: part.filename };
    } else {
      raw[part.fieldname] = raw[part.fieldname] !== undefined ? `${raw[part.fieldname]},${String(part.value)}` : String(part.value);
    }
  }
  return { fields: flattenFields(raw), media };
}

export default async function open311Routes(app: App) {
  app.setErrorHandler((error, request, reply: FastifyReply) => sendErrors(reply, formatOfUrl(request.url), statusFor(asAppError(error, request))));
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOfUrl(request.url), new AppError('request.not_found', undefined, 'GeoReport v2 paths: services, services/{code}, requests, requests/{id}, tokens/{token}')),
  );
  // The spec posts requests form-encoded; repeated keys keep every value.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
      const out: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) out[k] = out[k] !== undefined ? `${out[k]},${v}` : v;
      done(null, out);
    });
  }

  app.get(
    '/services.:format',
    {
      config: { permission: 'open311.read' },
      schema: { tags, summary: 'GeoReport v2: the service list (the taxonomy’s subcategories)', params: FormatParams, querystring: JurisdictionQuery },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id);
      const services = await listServices(app.db, j.id);
      return send(reply, format, 200, { json: services, xml: toXml('services', 'service', services as never) });
    },
  );

  app.get(
    '/services/:service_code.:format',
    {
      config: { permission: 'open311.read' },
      schema: { tags, summary: 'GeoReport v2: a service definition (its attributes)', params: ServiceParams, querystring: JurisdictionQuery },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id);
      const def = await getServiceDefinition(app.db, j.id, request.params.service_code);
      return send(reply, format, 200, { json: def, xml: toXmlObject('service_definition', def as never) });
    },
  );

  app.get(
    '/requests.:format',
    {
      config: { permission: 'open311.read' },
      schema: {
        tags,
        summary: 'GeoReport v2: service requests (public data only; the last 90 days, at most 1000, unless filtered)',
        params: FormatParams,
        querystring: RequestsQuery,
      },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id);
      const list = await listServiceRequests(app.db, request.actor, j.id, request.query, mediaUrlFor(request));
      return send(reply, format, 200, { json: list, xml: toXml('service_requests', 'request', list as never) });
    },
  );

  app.get(
    '/requests/:service_request_id.:format',
    {
      config: { permission: 'open311.read' },
      schema: { tags, summary: 'GeoReport v2: one service request', params: RequestParams, querystring: JurisdictionQuery },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id);
      const one = await getServiceRequest(app.db, request.actor, j.id, request.params.service_request_id, mediaUrlFor(request));
      return send(reply, format, 200, { json: [one], xml: toXml('service_requests', 'request', [one] as never) });
    },
  );

  app.get(
    '/tokens/:token.:format',
    {
      config: { permission: 'open311.read' },
      schema: { tags, summary: 'GeoReport v2: the service request id of a token', params: TokenParams, querystring: JurisdictionQuery },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id);
      const t = await getToken(app.db, j.id, request.params.token);
      return send(reply, format, 200, { json: [t], xml: toXml('service_requests', 'request', [t] as never) });
    },
  );

  app.post(
    '/requests.:format',
    {
      config: { permission: 'open311.post' },
      schema: {
        tags,
        summary: 'GeoReport v2: post a service request',
        description:
          'Form-encoded as the spec says (also JSON, or multipart with a `media` photo). Arguments: `api_key` (required unless the city allows anonymous posts), `service_code`, `lat` + `long` (an `address_string` alone cannot be located: there is no geocoder), `description`, `media_url`, `first_name`, `last_name`, `phone`, `email`, `device_id`, `account_id`, `attribute[severity]`, `attribute[first_noticed]`. Answers `[{service_request_id, token, service_notice, account_id}]`: intake is synchronous, so the id is there at once, and the token is given too for clients that poll `tokens/{token}`.',
        consumes: ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'],
        params: FormatParams,
        querystring: JurisdictionQuery,
      },
    },
    async (request, reply) => {
      const format = formatParam(request.params.format);
      const { fields, media } = await readPost(request, app.config.UPLOAD_MAX_BYTES);
      const j = await jurisdiction(app.db, request.actor, request.query.jurisdiction_id ?? fields.jurisdiction_id);
      const result = await postServiceRequest(app.db, request.actor, j, fields, media, request.ip);
      return send(reply, format, 200, { json: [result], xml: toXml('service_requests', 'request', [result] as never) });
    },
  );
}
