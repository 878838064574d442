/**
 * Reading an uploaded hotline (12345) export or audit-findings sheet into a
 * table of strings: XLSX by its zip signature, else CSV in UTF-8 or, when that
 * fails, GBK (what Excel on a Chinese Windows saves). Also the column-mapping
 * suggestion made from the header names.
 */
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../../http/errors.ts';

export interface Table {
  format: 'csv' | 'xlsx';
  encoding: string;
  columns: string[];
  /** data rows (the header excluded), each as long as `columns` */
  rows: string[][];
}

export const maxImportRows = 20000;

function decode(data: Buffer): { text: string; encoding: string } {
  if (data.includes(0)) throw new AppError('import.unreadable', undefined, 'The file contains binary data: it is neither CSV text nor an XLSX workbook');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    /* not UTF-8: try GBK next */
  }
  const bad = () => new AppError('import.bad_encoding', undefined, 'The file is neither UTF-8 nor GBK text; save it as CSV UTF-8 or XLSX');
  let text: string;
  try {
    text = new TextDecoder('gbk', { fatal: true }).decode(data);
  } catch {
    throw bad();
  }
  // ICU maps bytes GBK leaves undefined (0xFF, user-defined areas) to private-use
  // characters instead of failing: real complaint text never has them, nor control characters.
  // eslint-disable-next-line no-control-regex -- control characters mark a wrong decoding
  if (/[\uE000-\uF8FF\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) throw bad();
  return { text, encoding: 'gbk' };
}

/** Comma, tab or semicolon: whichever the header line has most of. */
function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', '\t', ';'].map((d) => [d, first.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![1] > 0 ? counts[0]![0] : ',';
}

function csvTable(data: Buffer): Table {
  const { text, encoding } = decode(data);
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter: delimiterOf(text), relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new AppError('import.malformed_csv', { line: line ?? null, reason: err.code }, `${err.message}${err.code === 'CSV_QUOTE_NOT_CLOSED' ? ' (a quote is opened and never closed)' : ''}`);
    }
    throw err;
  }
  return { format: 'csv', encoding, ...split(records) };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

async function xlsxTable(data: Buffer): Promise<Table> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError('import.unreadable', undefined, 'The file looks like a zip but is not a readable XLSX workbook');
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new AppError('import.empty');
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as ExcelJS.CellValue[];
    records.push(values.slice(1).map((v) => cellText(v).trim()));
  });
  return { format: 'xlsx', encoding: 'xlsx', ...split(records) };
}

function split(records: string[][]): { columns: string[]; rows: string[][] } {
  const nonEmpty = records.filter((r) => r.some((c) => c !== ''));
  if (nonEmpty.length < 2) throw new AppError('import.empty', undefined, 'The file needs a header row and at least one data row');
  const header = nonEmpty[0]!;
  const width = Math.max(...nonEmpty.map((r) => r.length));
  const seen = new Set<string>();
  const columns = Array.from({ length: width }, (_, i) => {
    let name = (header[i] ?? '').trim() || `列${i + 1}`;
    while (seen.has(name)) name = `${name}_${i + 1}`;
    seen.add(name);
    return name;
  });
  const rows = nonEmpty.slice(1).map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
  if (rows.length > maxImportRows) throw new AppError('import.too_many_rows', { max: maxImportRows }, `At most ${maxImportRows} rows per import; split the file`);
  return { columns, rows };
}

export async function readTable(data: Buffer): Promise<Table> {
  if (data.length === 0) throw new AppError('import.empty');
  if (data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return xlsxTable(data);
  return csvTable(data);
}

export const importFields = ['text', 'lng', 'lat', 'address', 'occurredAt', 'externalId', 'phone', 'name', 'category'] as const;
export type ImportField = (typeof importFields)[number];
export type Mapping = Partial<Record<ImportField, string>>;

/** Header words of 12345 exports and audit sheets, per field; the first matching column wins. */
const hints: Record<ImportField, RegExp> = {
  externalId: /工单(编)?号|工单编码|受理编号|单号|编号|ticket|^id$|case.?no/i,
  text: /诉求内容|反映内容|问题描述|来电内容|投诉内容|审计发现|内容|描述|诉求|问题|发现|content|description|text|finding/i,
  lng: /经度|^lng$|^lon$|longitude|^x$/i,
  lat: /纬度|^lat$|latitude|^y$/i,
  address: /地址|事发地点|发生地点|位置|地点|address|location/i,
  occurredAt: /受理时间|来电时间|发生时间|发现时间|时间|日期|date|time/i,
  phone: /电话|手机|联系方式|phone|mobile|tel/i,
  name: /姓名|来电人|联系人|反映人|^name$|caller/i,
  category: /问题类别|问题分类|诉求类别|类别|分类|类型|category|type/i,
};

export function suggestMapping(columns: readonly string[]): Mapping {
  const mapping: Mapping = {};
  const used = new Set<string>();
  // Most specific first: an id column often also says 编号, a time column 时间.
  for (const field of ['externalId', 'lng', 'lat', 'phone', 'name', 'occurredAt', 'category', 'address', 'text'] as const) {
    const col = columns.find((c) => !used.has(c) && hints[field].test(c));
    if (col) {
      mapping[field] = col;
      used.add(col);
    }
  }
  return mapping;
}
