/**
 * One shape of spreadsheet for every list the platform exports (责任清单, 整改标准清单,
 * 每日会商问题清单, …): a title row, an optional subtitle, a bold frozen header, one row per
 * record. Written with exceljs, in Chinese, so it opens cleanly in Excel, WPS and LibreOffice.
 */
import ExcelJS from 'exceljs';
import { defaultTimeZone, zoneOffsetMs } from '@cityloop/domain';

export type Cell = string | number | Date | null;

export interface TableColumn {
  header: string;
  key: string;
  /** width in characters; a CJK character counts about two */
  width?: number;
  /** Excel number format for the column's dates or numbers, e.g. 'yyyy-mm-dd'; dates default to 'yyyy-mm-dd hh:mm' */
  numFmt?: string;
}

export interface TableSheet {
  sheetName: string;
  title: string;
  subtitle?: string;
  columns: readonly TableColumn[];
  rows: readonly Record<string, Cell>[];
  /** optional fill per row, e.g. the risk colour of a problem: ARGB like 'FFFFC7CE' */
  rowFill?: (row: Record<string, Cell>) => string | null;
  /** the city's zone: Excel has no time zones, so dates are written as this zone's wall clock (Asia/Shanghai by default) */
  timeZone?: string;
}

/** An instant as the wall-clock time of `timeZone`, which is what Excel shows for a date cell (it reads it as UTC). */
function wallClock(d: Date, timeZone: string): Date {
  return new Date(d.getTime() + zoneOffsetMs(d, timeZone));
}

/** A workbook with one sheet per table, as a Buffer. */
export async function tablesXlsx(sheets: readonly TableSheet[], creator = 'CityLoop 城市建设视察督查平台'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = creator;
  wb.created = new Date();
  for (const s of sheets) {
    // Sheet names are limited to 31 characters and may not contain []:*?/\
    const ws = wb.addWorksheet(s.sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31));
    const n = s.columns.length;
    ws.columns = s.columns.map((c) => ({ key: c.key, width: c.width ?? 16 }));
    const title = ws.addRow([s.title]);
    ws.mergeCells(1, 1, 1, Math.max(n, 1));
    title.font = { bold: true, size: 16 };
    title.alignment = { horizontal: 'center' };
    title.height = 28;
    let headerRowNo = 2;
    if (s.subtitle) {
      ws.addRow([s.subtitle]);
      ws.mergeCells(2, 1, 2, Math.max(n, 1));
      ws.getRow(2).alignment = { horizontal: 'center' };
      headerRowNo = 3;
    }
    const header = ws.addRow(s.columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
      cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    });
    ws.views = [{ state: 'frozen', ySplit: headerRowNo }];
    const tz = s.timeZone ?? defaultTimeZone;
    for (const r of s.rows) {
      const row = ws.addRow(s.columns.map((c) => {
        const v = r[c.key] ?? '';
        return v instanceof Date ? wallClock(v, tz) : v;
      }));
      row.alignment = { vertical: 'top', wrapText: true };
      const fill = s.rowFill?.(r);
      row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
        cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
        if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
        const numFmt = s.columns[colNumber - 1]?.numFmt;
        if (numFmt) cell.numFmt = numFmt;
        else if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd hh:mm';
      });
    }
    if (n > 0) ws.autoFilter = { from: { row: headerRowNo, column: 1 }, to: { row: headerRowNo, column: n } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The usual fill for a risk level in a list: red, yellow, green as Excel's light fills. */
export const riskFill: Record<string, string> = { red: 'FFFFC7CE', yellow: 'FFFFEB9C', green: 'FFC6EFCE' };
