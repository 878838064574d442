/**
 * 问题整改通知书 (rectification notice, SPEC.md M7 "three lists", seed §4.3 三单制度) as a
 * .docx laid out in the spirit of GB/T 9704《党政机关公文格式》: A4 with the standard's
 * margins (版心 156 × 225 mm), a red issuing-authority mark over a red rule, the notice
 * number centred, a 小标宋 title, body in 仿宋 三号 on 22 lines of 28.95 pt, 黑体 headings,
 * signature and date right-aligned, and "— 1 —" page numbers outside on odd/even pages.
 *
 * The text is built once by `noticeText` (plain data, what tests assert on) and only laid
 * out here, so the words and the layout cannot drift apart. Written with `docx` alone:
 * no LibreOffice or Word is needed on the server.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  convertMillimetersToTwip,
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';
import { defaultTimeZone, localDate, riskLevelLabels, zoneOffsetMs, type RiskLevel } from '@cityloop/domain';

/**
 * How a case's deadline was set (migration 009 `deadline_spec`): a taxonomy-style amount, or
 * a day the office fixed (`{ fixedDay: 'YYYY-MM-DD' }`); anything without a unit reads as fixed.
 */
export type NoticeDeadlineSpec = { amount: number; unit: 'working_days' | 'hours' } | { fixedDay?: string; fixed?: boolean } | null;

export interface NoticePhoto {
  /** the EXIF-free public copy (JPEG), never the original */
  data: Buffer;
  width: number;
  height: number;
  ticket: string;
  reportedAt: Date;
}

export interface RectificationNotice {
  /** 发文机关, e.g. 郑州市城市建设视察工作领导小组办公室 */
  issuer: string;
  /** 发文字号, e.g. ZZ整改〔2026〕0042号 */
  noticeNo: string;
  /** 主送机关: the responsible unit */
  recipient: string;
  problem: {
    title: string;
    place: string;
    tickets: readonly string[];
    reportedAt: Date;
    /** category and subcategory as "建设类", "道路破损（JS-03）" */
    category: string | null;
    subcategory: string | null;
    riskLevel: RiskLevel | null;
  };
  /** at most four are laid out */
  photos: readonly NoticePhoto[];
  requirement: string | null;
  deadline: Date;
  deadlineSpec: NoticeDeadlineSpec;
  /** 整改标准 and 技术规范 of the subcategory */
  standard: string | null;
  norm: string | null;
  leadLeader: string | null;
  responsibleUnit: string;
  cooperatingUnits: readonly string[];
  /** 成文日期: when the case was assigned */
  issuedAt: Date;
  timeZone?: string;
}

export const maxNoticePhotos = 4;

// ---------------------------------------------------------------- Chinese dates

function wall(d: Date, timeZone: string): { date: string; hour: number; minute: number } {
  const shifted = new Date(d.getTime() + zoneOffsetMs(d, timeZone));
  return { date: localDate(d, timeZone), hour: shifted.getUTCHours(), minute: shifted.getUTCMinutes() };
}

/** 2026-12-09 → "2026年12月9日", the way GB/T 9704 writes 成文日期 (Arabic numerals, no leading zeros). */
export function chineseDate(d: Date, timeZone: string = defaultTimeZone): string {
  const [y, m, day] = wall(d, timeZone).date.split('-').map(Number);
  return `${y}年${m}月${day}日`;
}

/**
 * The deadline as a notice states it: "2026年12月9日前（10个工作日）"; an urgent one in
 * hours names the hour: "2026年3月6日18时前（24小时）"; a fixed date has no bracket.
 */
export function deadlineText(deadline: Date, spec: NoticeDeadlineSpec, timeZone: string = defaultTimeZone): string {
  const day = chineseDate(deadline, timeZone);
  if (spec && 'unit' in spec && spec.unit === 'hours') {
    const w = wall(deadline, timeZone);
    return `${day}${w.hour}时${w.minute ? `${w.minute}分` : ''}前（${spec.amount}小时）`;
  }
  if (spec && 'unit' in spec && spec.unit === 'working_days') return `${day}前（${spec.amount}个工作日）`;
  return `${day}前`;
}

/** The spec alone, for the standards list: "10个工作日", "24小时", "指定日期". */
export function deadlineSpecText(spec: NoticeDeadlineSpec): string {
  if (spec && 'unit' in spec) return spec.unit === 'hours' ? `${spec.amount}小时` : `${spec.amount}个工作日`;
  return spec ? '指定日期' : '';
}

// ---------------------------------------------------------------- the words

export interface NoticeText {
  issuer: string;
  noticeNo: string;
  title: string;
  /** 主送, with its full-width colon */
  recipient: string;
  opening: string;
  /** 一、问题描述 … 六、责任分工; 二、问题证据's photos go after its paragraphs */
  sections: { heading: string; paragraphs: string[] }[];
  photoCaptions: string[];
  closing: string;
  signature: string;
  seal: string;
  date: string;
  deadline: string;
}

const sentence = (s: string) => (/[。！？；]$/.test(s.trim()) ? s.trim() : `${s.trim()}。`);

/** Everything the notice says, in order: what the docx lays out and what tests read. */
export function noticeText(n: RectificationNotice): NoticeText {
  const tz = n.timeZone ?? defaultTimeZone;
  const p = n.problem;
  const photos = n.photos.slice(0, maxNoticePhotos);
  const photoCaptions = photos.map((ph, i) => `图${i + 1}\u3000受理编号${ph.ticket}，${chineseDate(ph.reportedAt, tz)}上报`);
  const deadline = deadlineText(n.deadline, n.deadlineSpec, tz);
  const kind = [p.category, p.subcategory].filter(Boolean).join('／');
  return {
    issuer: n.issuer,
    noticeNo: n.noticeNo,
    title: '问题整改通知书',
    recipient: `${n.recipient}：`,
    opening: '经城市建设视察发现，你单位负责的下列问题需限期整改。现将有关事项通知如下：',
    sections: [
      {
        heading: '一、问题描述',
        paragraphs: [
          sentence(`问题名称：${p.title}`),
          sentence(`问题地点：${p.place || '见附图'}`),
          sentence(`受理编号：${p.tickets.length ? p.tickets.join('、') : '无'}`),
          sentence(`反映时间：${chineseDate(p.reportedAt, tz)}`),
          sentence(`问题类别：${kind || '未分类'}`),
          sentence(`风险等级：${p.riskLevel ? riskLevelLabels[p.riskLevel].zh : '未评定'}`),
        ],
      },
      {
        heading: '二、问题证据',
        paragraphs: [photos.length ? `现场照片${photos.length}张，见下图。` : '无照片。'],
      },
      { heading: '三、整改要求', paragraphs: [sentence(n.requirement?.trim() || '按照整改标准完成整改，消除问题及其隐患')] },
      { heading: '四、整改时限', paragraphs: [`请于${deadline}完成整改。`] },
      {
        heading: '五、整改标准',
        paragraphs: [sentence(`整改标准：${n.standard ?? '按相关规范执行'}`), sentence(`技术规范：${n.norm ?? '按相关规范执行'}`)],
      },
      {
        heading: '六、责任分工',
        paragraphs: [
          sentence(`牵头领导：${n.leadLeader ?? '无'}`),
          sentence(`责任单位：${n.responsibleUnit}`),
          sentence(`配合单位：${n.cooperatingUnits.length ? n.cooperatingUnits.join('、') : '无'}`),
        ],
      },
    ],
    photoCaptions,
    closing:
      '请你单位接到本通知书后及时签收，按照整改要求和整改标准在规定时限内完成整改，每周报送整改进展；整改完成后提交整改前后对比照片、第三方检测报告和群众满意度回执，申请销号。逾期未完成的，将按三级督办机制予以督办。',
    signature: n.issuer,
    seal: '（盖章）',
    date: chineseDate(n.issuedAt, tz),
    deadline,
  };
}

// ---------------------------------------------------------------- the layout

// Fonts by their Chinese names, as Chinese government templates name them. Machines without
// them substitute through the font table's altName (see `fontTable`), WPS by its own table.
const XBS = '方正小标宋简体';
const FS = '仿宋_GB2312';
const HT = '黑体';
const SONG = '宋体';
const LATIN = 'Times New Roman';
const font = (eastAsia: string, latin = LATIN) => ({ eastAsia, ascii: latin, hAnsi: latin, cs: latin, hint: 'eastAsia' });

const pt = (n: number) => n * 2; // docx run sizes are half-points
const RED = 'FF0000';
/** 三号 = 16 pt; one character of it is 320 twips */
const CHAR = 320;
/** 22 lines to the 225 mm 版心: 28.95 pt per line */
const LINE = 579;
const body = (text: string, opts: Partial<IRunOptions> = {}) => new TextRun({ text, font: font(FS), size: pt(16), ...opts });

function para(children: TextRun[] | string, opts: Omit<IParagraphOptions, 'children'> = {}): Paragraph {
  return new Paragraph({
    children: typeof children === 'string' ? [body(children)] : children,
    spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
    ...opts,
  });
}

const blank = () => para('');

/** The 发文机关标志 in one line where it can: the size shrinks with the name, up to 小初-ish 36 pt. */
function issuerSize(name: string): number {
  const fit = Math.floor((440 / Math.max(name.length, 1)) * 2) / 2;
  return Math.max(16, Math.min(36, fit));
}

/** Fit a photo into a box, keeping its shape (pixels at 96 dpi, as `docx` counts them). */
function fit(w: number, h: number, maxW: number, maxH: number): { width: number; height: number } {
  const s = Math.min(maxW / Math.max(w, 1), maxH / Math.max(h, 1), 1);
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

function photoTable(photos: readonly NoticePhoto[], captions: readonly string[]): Table {
  const cell = (i: number) => {
    const ph = photos[i];
    const children = ph
      ? [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { before: 120, after: 60 },
            children: [
              new ImageRun({
                type: 'jpg',
                data: ph.data,
                transformation: fit(ph.width, ph.height, 280, 210),
                altText: { name: `photo${i + 1}`, title: captions[i]!, description: captions[i]! },
              }),
            ],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 120 },
            children: [new TextRun({ text: captions[i]!, font: font(FS), size: pt(12) })],
          }),
        ]
      : [new Paragraph({ children: [] })];
    return new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE }, verticalAlign: VerticalAlign.TOP, borders: TableBorders.NONE });
  };
  const rows: TableRow[] = [];
  for (let i = 0; i < photos.length; i += 2) rows.push(new TableRow({ cantSplit: true, children: [cell(i), cell(i + 1)] }));
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE }, layout: TableLayoutType.FIXED, borders: TableBorders.NONE });
}

/** "— 1 —" in 四号 宋体, one character in from the outside edge: right on odd pages, left on even. */
function pageNumberFooter(side: 'odd' | 'even'): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: 280 } : { left: 280 },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font(SONG, SONG), size: pt(14) })],
      }),
    ],
  });
}

/**
 * A font table with fallbacks: Word reads `w:altName` when the named font is missing and
 * LibreOffice uses it for its substitution too, so 方正小标宋简体 falls back to 宋体 and
 * 仿宋_GB2312 to 仿宋 rather than to whatever the default is. charset 86 = GB2312.
 */
function fontTable(): string {
  const f = (name: string, alt: string, family: string, pitch: string) =>
    `<w:font w:name="${name}"><w:altName w:val="${alt}"/><w:charset w:val="86"/><w:family w:val="${family}"/><w:pitch w:val="${pitch}"/></w:font>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    f(XBS, SONG, 'script', 'variable') +
    f(FS, '仿宋', 'modern', 'fixed') +
    f('仿宋', 'FangSong', 'modern', 'fixed') +
    f(HT, 'SimHei', 'modern', 'fixed') +
    f(SONG, 'SimSun', 'auto', 'variable') +
    `<w:font w:name="${LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
    '</w:fonts>'
  );
}

export async function rectificationNoticeDocx(n: RectificationNotice): Promise<Buffer> {
  const t = noticeText(n);
  const photos = n.photos.slice(0, maxNoticePhotos);
  const children: (Paragraph | Table)[] = [];

  // 版头: the issuing authority in red, the number, the red rule under it.
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 0, line: 240, lineRule: LineRuleType.AUTO },
      children: [new TextRun({ text: t.issuer, font: font(XBS), size: pt(issuerSize(t.issuer)), color: RED })],
    }),
    blank(),
    para(t.noticeNo, {
      alignment: AlignmentType.CENTER,
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 8 } },
    }),
    blank(),
  );
  // 标题 and 主送.
  children.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 0, line: 700, lineRule: LineRuleType.EXACT },
      children: [new TextRun({ text: t.title, font: font(XBS), size: pt(22) })],
    }),
    blank(),
    para(t.recipient),
    para(t.opening, { indent: { firstLine: 2 * CHAR } }),
  );
  // 正文.
  for (const s of t.sections) {
    children.push(para([new TextRun({ text: s.heading, font: font(HT), size: pt(16) })], { indent: { firstLine: 2 * CHAR }, keepNext: true }));
    for (const line of s.paragraphs) children.push(para(line, { indent: { firstLine: 2 * CHAR } }));
    if (s.heading.startsWith('二') && photos.length) children.push(photoTable(photos, t.photoCaptions));
  }
  children.push(para(t.closing, { indent: { firstLine: 2 * CHAR } }));
  // 落款: seal placeholder, issuer, date, right-aligned four characters in (GB/T 9704 7.3.5).
  children.push(
    blank(),
    blank(),
    para(t.seal, { alignment: AlignmentType.RIGHT, indent: { right: 6 * CHAR }, keepNext: true }),
    para(t.signature, { alignment: AlignmentType.RIGHT, indent: { right: 2 * CHAR }, keepNext: true }),
    para(t.date, { alignment: AlignmentType.RIGHT, indent: { right: 4 * CHAR } }),
  );

  const doc = new Document({
    title: `${t.title} ${t.noticeNo}`,
    subject: n.problem.title,
    creator: 'CityLoop 城市建设视察督查平台',
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: { run: { font: font(FS), size: pt(16), language: { value: 'zh-CN', eastAsia: 'zh-CN' } } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: convertMillimetersToTwip(210), height: convertMillimetersToTwip(297) },
            // GB/T 9704 5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
            margin: {
              top: convertMillimetersToTwip(37),
              bottom: convertMillimetersToTwip(35),
              left: convertMillimetersToTwip(28),
              right: convertMillimetersToTwip(26),
              header: convertMillimetersToTwip(15),
              // the page number sits 7 mm under the 版心
              footer: convertMillimetersToTwip(22),
            },
          },
          grid: { type: DocumentGridType.LINES, linePitch: LINE },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc, false, [{ path: 'word/fontTable.xml', data: fontTable() }]);
}
