/**
 * 工作日历: the city's working-day calendar for a year — 放假 days red, 调休上班
 * days blue — which every deadline is computed on. Staff read it and try the
 * deadline rule in a small calculator; an admin clicks a day to change it.
 */
import { useState } from "react";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from "antd";
import type { Static } from "typebox";
import type {
  CalendarDay,
  CalendarDayBody,
  CalendarYear,
  DeadlineResult,
} from "@cityloop/server/schemas/calendar";
import { addCalendarDays, dayOfWeek, startOfLocalDay } from "@cityloop/domain";
import i18n, { useLang } from "../i18n.ts";
import { api, request } from "../api.ts";
import { useSession, useShowError } from "../session.tsx";
import { EditModal, PageHead, requiredRule, useFetch } from "../hooks.tsx";

type CalendarYearT = Static<typeof CalendarYear>;
type CalendarDayT = Static<typeof CalendarDay>;
type CalendarDayBodyT = Static<typeof CalendarDayBody>;
type DeadlineResultT = Static<typeof DeadlineResult>;

const zh = {
  cal: {
    title: "工作日历",
    year: "年度",
    holiday: "放假",
    workday: "调休上班",
    plain: "按周末规则（删除设置）",
    workingDays: "全年工作日",
    source: "来源",
    sources: { official: "国务院办公厅通知（chinese-days）", admin: "管理员录入", none: "未录入" },
    noYear: "该年度尚未录入节假日安排，目前只按周六、周日休息计算。国务院公布后，管理员可录入。",
    weekdays: "一,二,三,四,五,六,日",
    month: "{{m}}月",
    editTitle: "设置 {{day}}",
    kind: "类型",
    name: "名称",
    namePlaceholder: "如：春节",
    clickToEdit: "点击日期可修改",
    calc: "期限计算",
    start: "起始时间",
    amount: "时限",
    units: { working_days: "个工作日", hours: "小时" },
    compute: "计算",
    deadline: "截止时间",
    ruleHelp: "工作日期限：受理当日为第 0 天（非工作日受理顺延至下一个工作日），截止于第 N 个工作日 24 时前；小时期限按自然小时计算。",
  },
};
const en: typeof zh = {
  cal: {
    title: "Working calendar",
    year: "Year",
    holiday: "Day off",
    workday: "Adjusted workday",
    plain: "Weekend rule (remove)",
    workingDays: "Working days in the year",
    source: "Source",
    sources: { official: "State Council notice (chinese-days)", admin: "Entered by an admin", none: "Not entered" },
    noYear: "No holiday arrangement is recorded for this year; only Saturdays and Sundays are days off. An admin can enter it once the State Council publishes it.",
    weekdays: "Mo,Tu,We,Th,Fr,Sa,Su",
    month: "Month {{m}}",
    editTitle: "Set {{day}}",
    kind: "Kind",
    name: "Name",
    namePlaceholder: "e.g. Spring Festival",
    clickToEdit: "Click a day to change it",
    calc: "Deadline calculator",
    start: "Start",
    amount: "Time limit",
    units: { working_days: "working days", hours: "hours" },
    compute: "Compute",
    deadline: "Deadline",
    ruleHelp: "Working days: the day received is day 0 (a day off moves it to the next working day); the deadline is the end of working day N. Hours are plain clock hours.",
  },
};
i18n.addResourceBundle("zh-CN", "translation", zh, true, false);
i18n.addResourceBundle("en", "translation", en, true, false);

type KindChoice = CalendarDayT["kind"] | "plain";
interface DayForm {
  kind: KindChoice;
  name?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

function MonthGrid({
  year,
  month,
  days,
  onPick,
}: {
  year: number;
  month: number;
  days: Map<string, CalendarDayT>;
  onPick: ((day: string) => void) | null;
}) {
  const { t } = useLang();
  const first = `${year}-${pad(month)}-01`;
  const lead = (dayOfWeek(first) + 6) % 7; // Monday first
  const length = Number(addCalendarDays(`${month === 12 ? year + 1 : year}-${pad(month === 12 ? 1 : month + 1)}-01`, -1).slice(8));
  const cells: (string | null)[] = [...Array<null>(lead).fill(null)];
  for (let d = 1; d <= length; d++) cells.push(`${year}-${pad(month)}-${pad(d)}`);
  return (
    <Card size="small" title={t("cal.month", { m: month })} data-testid={`cal-month-${month}`}>
      <div className="cl-cal-grid">
        {t("cal.weekdays")
          .split(",")
          .map((w) => (
            <div key={w} className="cl-cal-head">
              {w}
            </div>
          ))}
        {cells.map((day, i) => {
          if (!day) return <div key={`e${i}`} />;
          const entry = days.get(day);
          const weekend = [0, 6].includes(dayOfWeek(day));
          const cls = entry ? `cl-cal-${entry.kind}` : weekend ? "cl-cal-weekend" : "";
          return (
            <div
              key={day}
              className={`cl-cal-day ${cls}`}
              title={entry ? `${day} ${t(`cal.${entry.kind}`)}${entry.name ? ` · ${entry.name}` : ""}` : day}
              onClick={onPick ? () => onPick(day) : undefined}
              style={{ cursor: onPick ? "pointer" : "default" }}
              data-testid={`cal-day-${day}`}
            >
              {Number(day.slice(8))}
              {entry?.kind === "workday" ? <sup>班</sup> : entry?.kind === "holiday" && entry.changesWorkingDay ? <sup>休</sup> : null}
            </div>
          );
        })}
      </div>
    </Card>
  );
}

function DeadlineCalculator({ timeZone }: { timeZone: string }) {
  const { t, lang } = useLang();
  const showError = useShowError();
  const [start, setStart] = useState(() => {
    const now = new Date();
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T09:00`;
  });
  const [amount, setAmount] = useState<number | null>(5);
  const [unit, setUnit] = useState<DeadlineResultT["unit"]>("working_days");
  const [result, setResult] = useState<DeadlineResultT | null>(null);

  async function compute() {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(start);
    if (!m || amount === null) return;
    // the input is wall-clock time in the city
    const instant = new Date(startOfLocalDay(m[1]!, timeZone).getTime() + (Number(m[2]) * 60 + Number(m[3])) * 60_000);
    try {
      setResult(await api.get<DeadlineResultT>("/calendar/deadline", { start: instant.toISOString(), amount, unit }));
    } catch (err) {
      showError(err);
    }
  }

  return (
    <Card size="small" title={t("cal.calc")}>
      <Space wrap align="end">
        <div>
          <div className="cl-cal-label">{t("cal.start")}</div>
          <Input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} data-testid="cal-calc-start" style={{ width: 200 }} />
        </div>
        <div>
          <div className="cl-cal-label">{t("cal.amount")}</div>
          <Space.Compact>
            <InputNumber min={0} max={3650} value={amount} onChange={(v) => setAmount(v)} data-testid="cal-calc-amount" />
            <Select
              value={unit}
              onChange={setUnit}
              style={{ width: 120 }}
              data-testid="cal-calc-unit"
              options={(["working_days", "hours"] as const).map((u) => ({ value: u, label: t(`cal.units.${u}`) }))}
            />
          </Space.Compact>
        </div>
        <Button type="primary" onClick={() => void compute()} data-testid="cal-calc-go">
          {t("cal.compute")}
        </Button>
      </Space>
      {result ? (
        <div style={{ marginTop: 12 }} data-testid="cal-calc-result">
          <Typography.Text strong>{t("cal.deadline")}：</Typography.Text>
          <Typography.Text>
            {/* in the city's zone, whatever the browser's is */}
            {new Date(result.deadline).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { timeZone: result.timeZone, hour12: false })} (
            {result.timeZone})
          </Typography.Text>
        </div>
      ) : null}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
        {t("cal.ruleHelp")}
      </Typography.Paragraph>
    </Card>
  );
}

export default function CalendarPage() {
  const { t } = useLang();
  const { can, city } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const manage = can("calendar.manage");
  const timeZone = city?.timezone ?? "Asia/Shanghai";
  const [year, setYear] = useState<number | undefined>(undefined);
  const { data, loading, reload } = useFetch<CalendarYearT>("/calendar", { year });
  const [editing, setEditing] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<DayForm>();

  const shown = data?.year ?? year ?? new Date().getFullYear();
  const days = new Map((data?.days ?? []).map((d) => [d.day, d]));
  const yearOptions = [...new Set([...(data?.years ?? []), shown - 1, shown, shown + 1])].sort((a, b) => a - b);

  function pick(day: string) {
    const entry = days.get(day);
    setEditing(day);
    form.resetFields();
    form.setFieldsValue({ kind: entry?.kind ?? "holiday", name: entry?.name ?? "" });
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing) return;
    setSaving(true);
    try {
      if (v.kind === "plain") {
        if (days.has(editing)) await api.del(`/calendar/days/${editing}`);
      } else {
        const body: CalendarDayBodyT = { kind: v.kind, name: v.name?.trim() ?? "" };
        await request("PUT", `/calendar/days/${editing}`, body);
      }
      void message.success(t("common.saved"));
      setEditing(null);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  const sourceKey = data?.source ?? "none";
  return (
    <>
      <PageHead
        title={t("cal.title")}
        extra={
          <Space>
            <span>{t("cal.year")}</span>
            <Select
              value={shown}
              onChange={(y: number) => setYear(y)}
              style={{ width: 100 }}
              data-testid="cal-year"
              options={yearOptions.map((y) => ({ value: y, label: String(y) }))}
            />
          </Space>
        }
      />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={17}>
          <Card size="small" loading={loading && !data}>
            <Space size="large" wrap style={{ marginBottom: 12 }}>
              <Statistic title={t("cal.workingDays")} value={data?.workingDays ?? "—"} />
              <div>
                <div className="cl-cal-label">{t("cal.source")}</div>
                <Tag color={sourceKey === "none" ? "orange" : sourceKey === "admin" ? "purple" : "green"}>{t(`cal.sources.${sourceKey}`)}</Tag>
              </div>
              <Space>
                <span className="cl-cal-day cl-cal-holiday cl-cal-legend">休</span>
                {t("cal.holiday")}
                <span className="cl-cal-day cl-cal-workday cl-cal-legend">班</span>
                {t("cal.workday")}
                {manage ? <Typography.Text type="secondary">· {t("cal.clickToEdit")}</Typography.Text> : null}
              </Space>
            </Space>
            {data && data.source === null ? <Alert type="warning" showIcon title={t("cal.noYear")} style={{ marginBottom: 12 }} /> : null}
            <Row gutter={[8, 8]}>
              {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
                <Col key={m} xs={24} sm={12} lg={8} xxl={6}>
                  <MonthGrid year={shown} month={m} days={days} onPick={manage ? pick : null} />
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <DeadlineCalculator timeZone={timeZone} />
        </Col>
      </Row>
      <EditModal
        open={!!editing}
        title={t("cal.editTitle", { day: editing ?? "" })}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="cal-day-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t("cal.kind")} rules={[requiredRule(t, t("cal.kind"), false)]}>
            <Select
              data-testid="cal-day-kind"
              options={[
                { value: "holiday", label: t("cal.holiday") },
                { value: "workday", label: t("cal.workday") },
                { value: "plain", label: t("cal.plain") },
              ]}
            />
          </Form.Item>
          <Form.Item name="name" label={t("cal.name")}>
            <Input maxLength={100} placeholder={t("cal.namePlaceholder")} data-testid="cal-day-name" />
          </Form.Item>
        </Form>
      </EditModal>
      <style>{calendarCss}</style>
    </>
  );
}

const calendarCss = `
.cl-cal-grid { display: grid; grid-template-columns: repeat(7, 1fr); gap: 2px; text-align: center; font-size: 12px; }
.cl-cal-head { color: #8c8c8c; padding: 2px 0; }
.cl-cal-day { position: relative; padding: 3px 0; border-radius: 4px; line-height: 18px; }
.cl-cal-day sup { position: absolute; top: -2px; right: 1px; font-size: 9px; }
.cl-cal-weekend { color: #8c8c8c; background: #fafafa; }
.cl-cal-holiday { color: #fff; background: #e53935; }
.cl-cal-workday { color: #fff; background: #1e6fd9; }
.cl-cal-legend { display: inline-block; width: 22px; font-size: 12px; text-align: center; }
.cl-cal-label { color: #8c8c8c; font-size: 12px; margin-bottom: 4px; }
`;
