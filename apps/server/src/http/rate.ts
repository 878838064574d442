import type { App } from './app.ts';

/**
 * The limit of public endpoints (reports, uploads, ticket look-ups, place search):
 * `PUBLIC_RATE_PER_IP` per address per minute for anonymous callers; signed-in users
 * and API keys are not limited here.
 */
export function publicRateLimit(app: App) {
  return {
    max: app.config.PUBLIC_RATE_PER_IP,
    timeWindow: '1 minute',
    allowList: (req: { actor?: { kind: string } }) => !!req.actor && req.actor.kind !== 'anonymous',
  };
}
