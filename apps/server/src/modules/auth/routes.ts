import type { App } from '../../http/app.ts';
import { SESSION_COOKIE, SESSION_DAYS, sessionCookieValue } from '../../http/auth.ts';
import { LoginBody, Me } from './schemas.ts';
import { login, logout, me } from './service.ts';

export default async function authRoutes(app: App) {
  app.post(
    '/auth/login',
    {
      config: {
        permission: 'auth.login',
        rateLimit: { max: app.config.LOGIN_RATE_PER_IP, timeWindow: '1 minute' },
      },
      schema: { tags: ['auth'], summary: 'Sign in; sets the HttpOnly session cookie', body: LoginBody, response: { 200: Me } },
    },
    async (request, reply) => {
      const result = await login(app.db, request.body, { defaultCityId: request.actor.cityId, ip: request.ip });
      reply.setCookie(SESSION_COOKIE, sessionCookieValue(result.cityId, result.token), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.cookieSecure,
        maxAge: SESSION_DAYS * 86_400,
      });
      return result.me;
    },
  );
  app.post(
    '/auth/logout',
    { config: { permission: 'auth.logout' }, schema: { tags: ['auth'], summary: 'Sign out' } },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const token = cookie ? cookie.slice(cookie.indexOf('.') + 1) : null;
      await logout(app.db, request.actor, token, request.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );
  app.get(
    '/auth/me',
    { config: { permission: 'auth.me' }, schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me } } },
    async (request) => me(request.actor),
  );
}
