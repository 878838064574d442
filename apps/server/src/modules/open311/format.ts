/**
 * Open311 GeoReport v2 wire formats. The spec answers every resource in JSON
 * (an array of objects) and XML (a root element wrapping one element per
 * object), and errors as a list of {code, description} in both.
 * https://wiki.open311.org/GeoReport_v2
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply } from 'fastify';
import { AppError, errorCatalogue } from '../../http/errors.ts';

export type Format = 'json' | 'xml';

export function formatOf(ext: string): Format | null {
  return ext === 'json' || ext === 'xml' ? ext : null;
}

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: true });

/** The XML element names of each resource: root, then one element per item. */
export const xmlNames = {
  services: ['services', 'service'],
  requests: ['service_requests', 'request'],
  errors: ['errors', 'error'],
} as const;

type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };

/**
 * An object as XML children. Arrays of objects need a wrapper per item, whose
 * name the spec fixes: `attributes/attribute`, `values/value`.
 */
function xmlValue(v: Value, itemName?: string): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return { [itemName ?? 'item']: v.map((x) => xmlValue(x)) };
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = xmlValue(x, itemNames[k]);
    return out;
  }
  return v;
}
const itemNames: Record<string, string> = { attributes: 'attribute', values: 'value' };

export function toXml(root: string, item: string, items: Record<string, Value>[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ [root]: { [item]: items.map((i) => xmlValue(i)) } })}`;
}

/** A single object under its own root (the service definition). */
export function toXmlObject(root: string, obj: Record<string, Value>): string {
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ [root]: xmlValue(obj) })}`;
}

export function send(reply: FastifyReply, format: Format, status: number, body: { json: unknown; xml: string }) {
  reply.status(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(body.xml);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body.json));
}

export interface GeoReportError {
  code: number;
  description: string;
}

/**
 * Our catalogue entry in the spec's error format: `code` is the HTTP status (as
 * the spec's examples use it) and the description leads with our stable code,
 * so a client can still tell errors apart.
 */
export function geoReportErrors(err: AppError): GeoReportError[] {
  const entry = errorCatalogue[err.code];
  const detail = err.message && err.message !== entry.en ? `: ${err.message}` : '';
  return [{ code: err.status, description: `${err.code}: ${entry.en}${detail} (${entry.zh})` }];
}

export function sendErrors(reply: FastifyReply, format: Format, err: AppError) {
  const errors = geoReportErrors(err);
  return send(reply, format, err.status, {
    json: errors,
    xml: toXml('errors', 'error', errors as unknown as Record<string, Value>[]),
  });
}

/** The format a failed request asked for: `.xml` anywhere in its path means XML. */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0] ?? '';
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}
