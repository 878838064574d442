/**
 * 12345 hotline and audit-report imports (SPEC.md M3, M11): a file, a column
 * mapping, and every readable row becomes a report through the intake with its
 * source kept. The idempotency key is the source's own id (the hotline ticket
 * number) or else a hash of the row, so importing the same file again adds
 * nothing. Rows that cannot be read are listed with their number and reason;
 * the rest go in. One batch row records the counts.
 */
import crypto from 'node:crypto';
import { isValidLngLat, normalisePhone } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import { actorId, actorLabel, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { submitReport } from '../reports/service.ts';
import { currentTaxonomy } from '../taxonomy/service.ts';
import { batchById, insertBatch, listBatches, type BatchRow } from './queries.ts';
import type { ImportBatchT, MappingT, PreviewT } from './schemas.ts';
import { importFields, readTable, suggestMapping, type ImportField, type Table } from './table.ts';

export async function previewImport(data: Buffer): Promise<PreviewT> {
  const t = await readTable(data);
  return {
    format: t.format,
    encoding: t.encoding,
    columns: t.columns,
    rows: t.rows.slice(0, 10),
    rowCount: t.rows.length,
    suggestedMapping: suggestMapping(t.columns),
    fields: [...importFields],
  };
}

function checkMapping(mapping: MappingT, columns: readonly string[]) {
  const unknownCols = Object.entries(mapping).filter(([, c]) => c !== undefined && !columns.includes(c));
  if (unknownCols.length) throw new AppError('import.bad_mapping', { columns }, `No column named ${unknownCols.map(([, c]) => JSON.stringify(c)).join(', ')} in the file`);
  if (!mapping.text) throw new AppError('import.bad_mapping', undefined, 'Map a column to text (the complaint or finding)');
  if (!!mapping.lng !== !!mapping.lat) throw new AppError('import.bad_mapping', undefined, 'Map both lng and lat, or neither');
}

/** Date-times as exports write them; a time without a zone is the city's (Asia/Shanghai, UTC+8). */
export function parseWhen(s: string): Date | null {
  const t = s.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
      const d = new Date(t);
      return Number.isNaN(d.getTime()) ? null : d;
    }
    return null;
  }
  const [, y, mo, d, h = '0', mi = '0', sec = '0', zone] = m;
  const pad = (x: string) => x.padStart(2, '0');
  const z = zone ? (zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : '+08:00';
  const date = new Date(`${y}-${pad(mo!)}-${pad(d!)}T${pad(h)}:${mi}:${pad(sec)}${z}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

class RowError extends Error {
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super(reason);
  }
}

function num(v: string, name: string): number {
  const n = Number(v.replace(/[°\s]/g, ''));
  if (!Number.isFinite(n)) throw new RowError('invalid_number', `${name}「${v}」不是数字 (${name} is not a number)`);
  return n;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function toBatch(r: BatchRow): ImportBatchT {
  return {
    id: r.id,
    source: r.source,
    fileName: r.file_name,
    format: r.format,
    encoding: r.encoding,
    mapping: r.mapping,
    total: r.rows_total,
    created: r.rows_created,
    merged: r.rows_merged,
    duplicates: r.rows_duplicate,
    failed: r.rows_failed,
    failures: r.failures,
    createdBy: r.created_by_label,
    createdAt: iso(r.created_at),
  };
}

export async function runImport(
  db: Db,
  actor: Actor,
  input: { data: Buffer; fileName: string; source: 'hotline' | 'audit'; mapping: MappingT },
  ip: string,
): Promise<ImportBatchT> {
  const table: Table = await readTable(input.data);
  checkMapping(input.mapping, table.columns);
  const col = Object.fromEntries(Object.entries(input.mapping).map(([f, c]) => [f, table.columns.indexOf(c!)])) as Partial<Record<ImportField, number>>;
  const taxonomy = await currentTaxonomy(db, actor.cityId);
  const byCode = new Map(taxonomy.subcategories.map((s) => [s.code.toUpperCase(), s.code]));
  const byName = new Map(taxonomy.subcategories.map((s) => [s.name, s.code]));

  const counts = { created: 0, merged: 0, duplicates: 0 };
  const failures: { row: number; code: string; reason: string }[] = [];
  for (const [i, cells] of table.rows.entries()) {
    const rowNo = i + 2; // the header is row 1
    const get = (f: ImportField) => (col[f] !== undefined ? (cells[col[f]!] ?? '').trim() : '');
    try {
      const text = get('text');
      if (!text) throw new RowError('empty_text', '内容为空 (the text is empty)');
      if (text.length > 5000) throw new RowError('text_too_long', '内容超过5000字 (the text is longer than 5000 characters)');
      const address = get('address');
      const lngText = get('lng');
      const latText = get('lat');
      if (!lngText || !latText) {
        if (address) {
          throw new RowError('unlocatable', `有地址「${address}」但没有经纬度；本系统没有地理编码服务，无法定位 (an address but no coordinates: there is no geocoder here, so the row cannot be located)`);
        }
        throw new RowError('no_location', '没有经纬度也没有地址，无法定位 (no coordinates and no address)');
      }
      const lng = num(lngText, 'lng');
      const lat = num(latText, 'lat');
      if (!isValidLngLat({ lng, lat })) throw new RowError('invalid_location', `坐标 (${lngText}, ${latText}) 无效 (invalid coordinates)`);
      const whenText = get('occurredAt');
      const occurredAt = whenText ? parseWhen(whenText) : null;
      if (whenText && !occurredAt) throw new RowError('invalid_date', `时间「${whenText}」无法识别 (the date cannot be read)`);
      const category = get('category');
      const subcategoryCode = category ? (byCode.get(category.toUpperCase()) ?? byName.get(category)) : undefined;
      const phoneText = get('phone');
      const phone = phoneText ? normalisePhone(phoneText) : null;
      const name = get('name');
      const ownId = get('externalId');
      // Without the source's own id, the row itself is the key: the same row imported again is the same clue.
      const externalId = ownId || `row:${crypto.createHash('sha256').update(JSON.stringify(cells)).digest('hex').slice(0, 32)}`;
      const receipt = await submitReport(
        db,
        actor,
        {
          source: input.source,
          text,
          lng,
          lat,
          ...(address ? { address } : {}),
          ...(subcategoryCode ? { subcategoryCode } : {}),
          ...(phone || name ? { reporter: { ...(phone ? { phone } : {}), ...(name ? { name } : {}) } } : {}),
          externalId,
          ...(occurredAt ? { occurredAt } : {}),
          extra: { import: { fileName: input.fileName, row: rowNo, ...(category ? { category } : {}), ...(ownId ? { sourceId: ownId } : {}) } },
        },
        { ip },
      );
      if (receipt.duplicate) counts.duplicates += 1;
      else {
        counts.created += 1;
        if (receipt.merged) counts.merged += 1;
      }
    } catch (err) {
      if (err instanceof RowError) failures.push({ row: rowNo, code: err.code, reason: err.message });
      else if (err instanceof AppError) failures.push({ row: rowNo, code: err.code, reason: err.message });
      else throw err;
    }
  }

  const sha = crypto.createHash('sha256').update(input.data).digest('hex');
  const id = await db.tx(async (q) => {
    const batchId = await insertBatch(q, actor.cityId, {
      source: input.source,
      file_name: input.fileName.slice(0, 255),
      file_sha256: sha,
      format: table.format,
      encoding: table.encoding,
      mapping: input.mapping as Record<string, string>,
      rows_total: table.rows.length,
      rows_created: counts.created,
      rows_merged: counts.merged,
      rows_duplicate: counts.duplicates,
      rows_failed: failures.length,
      failures,
      created_by: actorId(actor),
      created_by_label: actorLabel(actor),
    });
    await recordAudit(q, actor, {
      action: 'import.create',
      targetType: 'import_batch',
      targetId: batchId,
      details: { source: input.source, fileName: input.fileName, sha256: sha, total: table.rows.length, ...counts, failed: failures.length },
      ip,
    });
    return batchId;
  });
  return toBatch((await batchById(db, actor.cityId, id))!);
}

export async function importBatches(db: Db, cityId: string, limit: number): Promise<ImportBatchT[]> {
  return (await listBatches(db, cityId, limit)).map(toBatch);
}
