import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import path from 'node:path';

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  DATA_DIR: Type.String({ default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DEMO: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '1' }),
  DEMO_PASSWORD: Type.String({ minLength: 8, default: 'cityloop' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Set when served over HTTPS, so cookies carry `Secure`. */
  COOKIE_SECURE: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '0' }),
  /** Ceiling on login attempts per address per minute; generous, a district office shares one. */
  LOGIN_RATE_PER_IP: Type.Integer({ minimum: 1, default: 120 }),
  /** Largest accepted upload (a phone photo is 2–8 MB). */
  UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 15 * 1024 * 1024 }),
  /** Ceiling per address per minute on anonymous uploads, reports and ticket look-ups. */
  PUBLIC_RATE_PER_IP: Type.Integer({ minimum: 1, default: 60 }),
});

export type Config = Static<typeof ConfigSchema> & { dataDir: string; demo: boolean; cookieSecure: boolean };

export class ConfigError extends Error {}

/** Read and validate configuration from the environment; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.instancePath.replace(/^\//, '') || '(root)'}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = converted as Static<typeof ConfigSchema>;
  return {
    ...c,
    dataDir: path.resolve(c.DATA_DIR),
    demo: c.DEMO === '1',
    cookieSecure: c.COOKIE_SECURE === '1',
  };
}
