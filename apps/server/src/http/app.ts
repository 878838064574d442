import Fastify, { type FastifyInstance, type FastifyBaseLogger, type RawServerDefault, type FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { rolesFor, type Permission } from '@cityloop/domain';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { AppError, errorCatalogue, fromDatabaseError, problemOf } from './errors.ts';
import { authHook } from './auth.ts';
import { cityIdForRequest } from '../modules/city/service.ts';
import { serveWeb } from './web.ts';
import healthRoutes from '../modules/city/routes.ts';
import authRoutes from '../modules/auth/routes.ts';
import areaRoutes from '../modules/areas/routes.ts';
import unitRoutes from '../modules/units/routes.ts';
import userRoutes from '../modules/users/routes.ts';
import teamRoutes from '../modules/teams/routes.ts';
import expertRoutes from '../modules/experts/routes.ts';
import apiKeyRoutes from '../modules/apikeys/routes.ts';
import settingsRoutes from '../modules/settings/routes.ts';
import auditRoutes from '../modules/audit/routes.ts';
import notificationRoutes from '../modules/notifications/routes.ts';
import fileRoutes from '../files/routes.ts';
import reportRoutes from '../modules/reports/routes.ts';
import problemRoutes from '../modules/problems/routes.ts';
import { bindBlobStore } from '../files/store.ts';
import taxonomyRoutes from '../modules/taxonomy/routes.ts';
import classifierRoutes from '../modules/classifier/routes.ts';
import open311Routes from '../modules/open311/routes.ts';
import sensorRoutes from '../modules/sensors/routes.ts';
import hotlineRoutes from '../modules/hotline/routes.ts';
import calendarRoutes from '../modules/calendar/routes.ts';
import escalationRoutes from '../modules/escalation/routes.ts';
import loopSettingsRoutes from '../modules/loop-settings/routes.ts';
import listRoutes from '../modules/lists/routes.ts';
import caseRoutes from '../modules/cases/routes.ts';
import consolidationRoutes from '../modules/consolidation/routes.ts';
import recheckRoutes from '../modules/recheck/routes.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
  }
}

export interface BuildOptions {
  config: Config;
  db: Db;
  logger?: boolean | object;
}

/** Builds the whole HTTP application without listening, so tests can `inject()` into it. */
export async function buildApp({ config, db, logger }: BuildOptions): Promise<App> {
  const app = Fastify({
    logger: logger ?? { level: config.LOG_LEVEL },
    bodyLimit: 1024 * 1024 * 20,
    trustProxy: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', db);
  app.decorate('config', config);
  bindBlobStore(db, path.join(config.dataDir, 'files'), config.UPLOAD_MAX_BYTES);

  // Every operation declares a permission; its roles become `x-roles` in OpenAPI.
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission as Permission | undefined;
    const isDocs = route.url.startsWith('/api/docs') || route.url === '/api/openapi.json';
    if (!permission) {
      if (route.url.startsWith('/api/') && !isDocs && !route.schema?.hide) {
        throw new Error(`route ${route.method} ${route.url} declares no permission`);
      }
      return;
    }
    route.schema = { ...(route.schema ?? {}), 'x-roles': [...rolesFor(permission)], 'x-permission': permission } as never;
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: config.UPLOAD_MAX_BYTES + 1, files: 1, parts: 20 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CityLoop API (城市建设视察督查平台)',
        version: '0.1.0',
        description:
          'Every operation carries `x-roles`: the roles allowed to call it (`public` = anyone). Errors are RFC 9457 problem+json with a stable `code`; the catalogue is at `/api/problems`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cl_session' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.addHook('onRequest', authHook(db, (req: FastifyRequest) => cityIdForRequest(db, req)));

  app.setErrorHandler((error, request, reply) => {
    let appError: AppError;
    const e = error as { code?: string; statusCode?: number; validation?: unknown; message: string };
    if (error instanceof AppError) appError = error;
    else if (e.validation) {
      appError = new AppError('request.invalid', { errors: e.validation }, e.message);
    } else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) {
      appError = new AppError('request.too_large');
    } else if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) {
      appError = new AppError('request.unsupported_media_type');
    } else if (e.statusCode === 429) {
      appError = new AppError('request.rate_limited');
    } else if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.statusCode === 400) {
      appError = new AppError('request.invalid', undefined, e.message);
    } else {
      const mapped = fromDatabaseError(error);
      if (mapped) appError = mapped;
      else {
        request.log.error({ err: error }, 'unhandled error');
        appError = new AppError('internal');
      }
    }
    reply.status(appError.status).type('application/problem+json').send(problemOf(appError, request.url));
  });

  app.get(
    '/api/problems',
    { config: { permission: 'health.read' }, schema: { summary: 'The error catalogue', tags: ['meta'] } },
    async () => errorCatalogue,
  );

  await app.register(healthRoutes);
  await app.register(authRoutes, { prefix: '/api/v1' });
  await app.register(areaRoutes, { prefix: '/api/v1' });
  await app.register(unitRoutes, { prefix: '/api/v1' });
  await app.register(userRoutes, { prefix: '/api/v1' });
  await app.register(teamRoutes, { prefix: '/api/v1' });
  await app.register(expertRoutes, { prefix: '/api/v1' });
  await app.register(apiKeyRoutes, { prefix: '/api/v1' });
  await app.register(settingsRoutes, { prefix: '/api/v1' });
  await app.register(auditRoutes, { prefix: '/api/v1' });
  await app.register(notificationRoutes, { prefix: '/api/v1' });
  await app.register(fileRoutes, { prefix: '/api/v1' });
  await app.register(reportRoutes, { prefix: '/api/v1' });
  await app.register(problemRoutes, { prefix: '/api/v1' });
  await app.register(taxonomyRoutes, { prefix: '/api/v1' });
  await app.register(classifierRoutes, { prefix: '/api/v1' });
  await app.register(sensorRoutes, { prefix: '/api/v1' });
  await app.register(hotlineRoutes, { prefix: '/api/v1' });
  await app.register(calendarRoutes, { prefix: '/api/v1' });
  await app.register(escalationRoutes, { prefix: '/api/v1' });
  await app.register(loopSettingsRoutes, { prefix: '/api/v1' });
  await app.register(listRoutes, { prefix: '/api/v1' });
  await app.register(caseRoutes, { prefix: '/api/v1' });
  await app.register(consolidationRoutes, { prefix: '/api/v1' });
  await app.register(recheckRoutes, { prefix: '/api/v1' });
  await app.register(open311Routes, { prefix: '/open311/v2' });
  await serveWeb(app);

  return app as App;
}
