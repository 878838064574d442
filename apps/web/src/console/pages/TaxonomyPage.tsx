/**
 * 问题分类标准: the current 《城市建设问题分类分级标准》 (categories and their
 * subcategories), older versions read only, and the risk matrix. Admins edit or
 * add a subcategory; every save is the whole set as the next version.
 */
import { useEffect, useMemo, useState, type HTMLAttributes } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { EditOutlined, FireOutlined, PlusOutlined } from "@ant-design/icons";
import {
  deadlineUnits,
  maxDeadline,
  subcategoryCodePattern,
  unitDuties,
  unitDutyLabels,
  type DeadlineUnit,
  type UnitDuty,
} from "@cityloop/domain";
import { request } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession } from "../session.tsx";
import { fmtTime, PageHead, useFetch, requiredRule } from "../hooks.tsx";
import { ErrorAlert } from "../taxonomy/common.tsx";
import { RiskPanel } from "../taxonomy/RiskPanel.tsx";
import type {
  TaxonomyEditT,
  TaxonomyT,
  TaxSubcategoryT,
  VersionSummaryT,
} from "../taxonomy/types.ts";

interface SubForm {
  code: string;
  categoryCode: string;
  name: string;
  nameEn: string;
  norm: string;
  standard: string;
  deadline: { amount: number; unit: DeadlineUnit };
  defaultDuty: UnitDuty;
  highFrequency: boolean;
  keywords: string[];
  note?: string;
}

interface Row extends TaxSubcategoryT {
  span: number;
}

const KEYWORDS_SHOWN = 6;

export default function TaxonomyPage() {
  const { t, lang, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const manage = can("taxonomy.manage");
  const current = useFetch<TaxonomyT>("/taxonomy");
  const versions = useFetch<VersionSummaryT[]>("/taxonomy/versions");
  const [viewVersion, setViewVersion] = useState<number | null>(null);
  const currentVersion = current.data?.version ?? null;
  const isOld = viewVersion !== null && viewVersion !== currentVersion;
  const old = useFetch<TaxonomyT>(
    isOld ? `/taxonomy/versions/${viewVersion}` : null,
  );
  const tax = isOld ? old.data : current.data;
  const [categoryFilter, setCategoryFilter] = useState<string | null>(null);
  const [q, setQ] = useState("");
  const [editing, setEditing] = useState<TaxSubcategoryT | "new" | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const [form] = Form.useForm<SubForm>();
  const unitWatch = Form.useWatch(["deadline", "unit"], form) as
    | DeadlineUnit
    | undefined;

  useEffect(() => {
    if (isOld) setSavedVersion(null);
  }, [isOld]);

  const catName = (code: string) => {
    const c = tax?.categories.find((x) => x.code === code);
    return c ? pick({ zh: c.name, en: c.nameEn || c.name }) : code;
  };

  const rows: Row[] = useMemo(() => {
    if (!tax) return [];
    const order = new Map(tax.categories.map((c, i) => [c.code, i]));
    const needle = q.trim().toLowerCase();
    const list = tax.subcategories
      .filter((s) => !categoryFilter || s.categoryCode === categoryFilter)
      .filter(
        (s) =>
          !needle ||
          s.code.toLowerCase().includes(needle) ||
          s.name.includes(needle) ||
          s.nameEn.toLowerCase().includes(needle) ||
          s.keywords.some((k) => k.toLowerCase().includes(needle)),
      )
      .sort(
        (a, b) =>
          (order.get(a.categoryCode) ?? 99) -
            (order.get(b.categoryCode) ?? 99) || a.code.localeCompare(b.code),
      );
    return list.map((s, i) => {
      if (i > 0 && list[i - 1]!.categoryCode === s.categoryCode)
        return { ...s, span: 0 };
      let n = 1;
      while (list[i + n]?.categoryCode === s.categoryCode) n += 1;
      return { ...s, span: n };
    });
  }, [tax, categoryFilter, q]);

  function open(s: TaxSubcategoryT | "new") {
    setEditing(s);
    setSaveError(null);
    form.resetFields();
    if (s === "new") {
      const cat = categoryFilter ?? current.data?.categories[0]?.code ?? "";
      form.setFieldsValue({
        categoryCode: cat,
        code: nextCode(cat),
        nameEn: "",
        norm: "",
        standard: "",
        deadline: { amount: 15, unit: "working_days" },
        defaultDuty: "urban_management",
        highFrequency: false,
        keywords: [],
      });
    } else
      form.setFieldsValue({
        ...s,
        deadline: {
          amount: s.deadline.amount,
          unit: s.deadline.unit as DeadlineUnit,
        },
        defaultDuty: s.defaultDuty as UnitDuty,
      });
  }

  function nextCode(cat: string): string {
    const nums = (current.data?.subcategories ?? [])
      .filter((s) => s.categoryCode === cat)
      .map((s) => Number(s.code.split("-")[1]))
      .filter(Number.isFinite);
    const n = (nums.length ? Math.max(...nums) : 0) + 1;
    return `${cat}-${String(n).padStart(2, "0")}`;
  }

  async function save() {
    const cur = current.data;
    if (!cur || !editing) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const sub: TaxSubcategoryT = {
      code: v.code.trim(),
      categoryCode: v.categoryCode,
      name: v.name.trim(),
      nameEn: (v.nameEn ?? "").trim(),
      norm: (v.norm ?? "").trim(),
      standard: (v.standard ?? "").trim(),
      deadline: { amount: v.deadline.amount, unit: v.deadline.unit },
      defaultDuty: v.defaultDuty,
      highFrequency: !!v.highFrequency,
      keywords: (v.keywords ?? []).map((k) => k.trim()).filter(Boolean),
    };
    const subcategories =
      editing === "new"
        ? [...cur.subcategories, sub]
        : cur.subcategories.map((s) => (s.code === editing.code ? sub : s));
    const body: TaxonomyEditT = {
      categories: cur.categories,
      subcategories,
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
    };
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await request<TaxonomyT>("PUT", "/taxonomy", body);
      current.setData(saved);
      setViewVersion(null);
      setSavedVersion(saved.version);
      setEditing(null);
      void message.success(t("tax.savedAs", { n: saved.version }));
      void versions.reload();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  }

  const deadlineText = (s: TaxSubcategoryT) =>
    `${s.deadline.amount} ${t(`tax.units.${s.deadline.unit}`)}`;

  // The current version is an option even before the version list has caught up with a save.
  const versionNumbers = [
    ...new Set([
      ...(versions.data ?? []).map((v) => v.version),
      ...(currentVersion !== null ? [currentVersion] : []),
    ]),
  ].sort((a, b) => b - a);
  const versionOptions = versionNumbers.map((v) => ({
    value: v,
    label: `${t("tax.version", { n: v })}${v === currentVersion ? t("tax.current") : ""}`,
  }));
  const viewedSummary = versions.data?.find((v) => v.version === viewVersion);

  const table = (
    <>
      {isOld ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="tax-old-version"
          title={t("tax.readOnlyOld", {
            n: viewVersion,
            at: fmtTime(viewedSummary?.createdAt ?? old.data?.createdAt, lang),
          })}
          description={
            (old.data?.note ?? viewedSummary?.note) ? (
              <span>
                {t("tax.note2")}：{old.data?.note ?? viewedSummary?.note}
              </span>
            ) : undefined
          }
          action={
            <Button size="small" onClick={() => setViewVersion(null)}>
              {t("tax.backToCurrent")}
            </Button>
          }
        />
      ) : null}
      {!isOld && savedVersion ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 12 }}
          closable={{ onClose: () => setSavedVersion(null) }}
          data-testid="tax-saved"
          title={t("tax.savedAs", { n: savedVersion })}
        />
      ) : null}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t("tax.filterCategory")}
          style={{ width: 180 }}
          value={categoryFilter}
          onChange={(v) => setCategoryFilter(v ?? null)}
          data-testid="tax-category-filter"
          options={(tax?.categories ?? []).map((c) => ({
            value: c.code,
            label: `${c.code} ${pick({ zh: c.name, en: c.nameEn || c.name })}`,
          }))}
        />
        <Input.Search
          allowClear
          placeholder={t("tax.search")}
          style={{ width: 240 }}
          onSearch={(v) => setQ(v)}
          data-testid="tax-search"
        />
        {tax ? (
          <Typography.Text type="secondary" data-testid="tax-counts">
            {t("tax.counts", {
              c: tax.categories.length,
              s: tax.subcategories.length,
            })}
          </Typography.Text>
        ) : null}
      </Space>
      <Table<Row>
        size="small"
        rowKey="code"
        bordered
        loading={current.loading || old.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1500 }}
        data-testid="tax-table"
        onRow={(r) =>
          ({
            "data-testid": `tax-row-${r.code}`,
            className: "tax-sub-row",
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t("tax.category"),
            dataIndex: "categoryCode",
            width: 110,
            fixed: "left",
            onCell: (r) => ({ rowSpan: r.span }),
            render: (c: string) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{catName(c)}</Typography.Text>
                <Typography.Text type="secondary">{c}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t("tax.code"),
            dataIndex: "code",
            width: 80,
            fixed: "left",
          },
          {
            title: t("tax.name"),
            width: 170,
            render: (_, s) => (
              <Space size={4} wrap>
                <span>{pick({ zh: s.name, en: s.nameEn || s.name })}</span>
                {s.highFrequency ? (
                  <Tooltip title={t("tax.highFrequencyLong")}>
                    <Tag
                      color="volcano"
                      icon={<FireOutlined />}
                      data-testid={`tax-hf-${s.code}`}
                    >
                      {t("tax.highFrequency")}
                    </Tag>
                  </Tooltip>
                ) : null}
              </Space>
            ),
          },
          {
            title: t("tax.norm"),
            dataIndex: "norm",
            width: 230,
            ellipsis: { showTitle: false },
            render: (v: string) => (
              <Tooltip title={v} placement="topLeft">
                {v}
              </Tooltip>
            ),
          },
          {
            title: t("tax.standard"),
            dataIndex: "standard",
            width: 260,
            ellipsis: { showTitle: false },
            render: (v: string) => (
              <Tooltip title={v} placement="topLeft">
                {v}
              </Tooltip>
            ),
          },
          {
            title: t("tax.deadline"),
            width: 100,
            render: (_, s) => (
              <span data-testid={`tax-deadline-${s.code}`}>
                {s.deadline.unit === "hours" ? (
                  <Tag color="red">{deadlineText(s)}</Tag>
                ) : (
                  deadlineText(s)
                )}
              </span>
            ),
          },
          {
            title: t("tax.duty"),
            dataIndex: "defaultDuty",
            width: 140,
            render: (d: string) =>
              pick(unitDutyLabels[d as UnitDuty]) || d,
          },
          {
            title: t("tax.keywords"),
            dataIndex: "keywords",
            render: (ks: string[]) => (
              <Space size={[2, 4]} wrap>
                {ks.slice(0, KEYWORDS_SHOWN).map((k) => (
                  <Tag key={k} style={{ marginInlineEnd: 0 }}>
                    {k}
                  </Tag>
                ))}
                {ks.length > KEYWORDS_SHOWN ? (
                  <Tooltip title={ks.slice(KEYWORDS_SHOWN).join("、")}>
                    <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                      +{ks.length - KEYWORDS_SHOWN}
                    </Tag>
                  </Tooltip>
                ) : null}
              </Space>
            ),
          },
          ...(manage && !isOld
            ? [
                {
                  title: t("common.actions"),
                  width: 80,
                  fixed: "right" as const,
                  render: (_: unknown, s: Row) => (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => open(s)}
                      data-testid={`tax-edit-${s.code}`}
                    >
                      {t("common.edit")}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );

  return (
    <>
      <PageHead
        title={t("tax.title")}
        extra={
          <Space wrap>
            <Typography.Text type="secondary">
              {t("tax.currentVersion")}
            </Typography.Text>
            <Tag color="blue" data-testid="tax-version">
              {currentVersion !== null
                ? t("tax.version", { n: currentVersion })
                : "…"}
            </Tag>
            <Select
              style={{ width: 150 }}
              value={viewVersion ?? currentVersion ?? undefined}
              onChange={(v: number) =>
                setViewVersion(v === currentVersion ? null : v)
              }
              options={versionOptions}
              loading={versions.loading}
              data-testid="tax-version-select"
              aria-label={t("tax.versionSelect")}
            />
            {manage ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                disabled={isOld || !current.data}
                onClick={() => open("new")}
                data-testid="tax-add"
              >
                {t("tax.addSub")}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card size="small">
        {can("risk.read") ? (
          <Tabs
            items={[
              { key: "tax", label: t("tax.title"), children: table },
              {
                key: "risk",
                label: (
                  <span data-testid="tax-tab-risk">{t("risk.title")}</span>
                ),
                children: <RiskPanel />,
              },
            ]}
          />
        ) : (
          table
        )}
      </Card>
      <Modal
        open={!!editing}
        width={720}
        title={editing === "new" ? t("tax.addSub") : t("tax.editSub")}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        confirmLoading={saving}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
        okButtonProps={{ "data-testid": "tax-save" }}
        forceRender
        destroyOnHidden={false}
      >
        <ErrorAlert
          error={saveError}
          testId="tax-save-error"
          onClose={() => setSaveError(null)}
        />
        <Form form={form} layout="vertical">
          <Space.Compact block style={{ gap: 12 }}>
            <Form.Item
              name="categoryCode"
              label={t("tax.category")}
              style={{ flex: 1 }}
              rules={[{ required: true }]}
            >
              <Select
                disabled={editing !== "new"}
                data-testid="tax-f-category"
                onChange={(c: string) =>
                  editing === "new" &&
                  form.setFieldValue("code", nextCode(c))
                }
                options={(current.data?.categories ?? []).map((c) => ({
                  value: c.code,
                  label: `${c.code} ${pick({ zh: c.name, en: c.nameEn || c.name })}`,
                }))}
              />
            </Form.Item>
            <Form.Item
              name="code"
              label={t("tax.code")}
              style={{ flex: 1 }}
              dependencies={["categoryCode"]}
              rules={[
                requiredRule(t, t("tax.code"), false),
                ({ getFieldValue }) => ({
                  validator: (_, v: string) => {
                    const cat = getFieldValue("categoryCode") as string;
                    if (!v) return Promise.resolve();
                    if (
                      !subcategoryCodePattern.test(v.trim()) ||
                      !v.trim().startsWith(`${cat}-`)
                    )
                      return Promise.reject(
                        new Error(t("tax.codeRule", { code: cat })),
                      );
                    if (
                      editing === "new" &&
                      current.data?.subcategories.some(
                        (s) => s.code === v.trim(),
                      )
                    )
                      return Promise.reject(new Error(t("tax.codeExists")));
                    return Promise.resolve();
                  },
                }),
              ]}
            >
              <Input
                disabled={editing !== "new"}
                maxLength={12}
                data-testid="tax-f-code"
              />
            </Form.Item>
          </Space.Compact>
          <Space.Compact block style={{ gap: 12 }}>
            <Form.Item
              name="name"
              label={t("tax.name")}
              style={{ flex: 1 }}
              rules={[
                requiredRule(t, t("tax.name")),
              ]}
            >
              <Input maxLength={50} data-testid="tax-f-name" />
            </Form.Item>
            <Form.Item name="nameEn" label={t("tax.nameEn")} style={{ flex: 1 }}>
              <Input maxLength={100} data-testid="tax-f-name-en" />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="norm" label={t("tax.norm")}>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              maxLength={500}
              data-testid="tax-f-norm"
            />
          </Form.Item>
          <Form.Item name="standard" label={t("tax.standard")}>
            <Input.TextArea
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={1000}
              data-testid="tax-f-standard"
            />
          </Form.Item>
          <Space.Compact block style={{ gap: 12 }}>
            <Form.Item label={t("tax.deadline")} required style={{ flex: 1 }}>
              <Space.Compact>
                <Form.Item
                  name={["deadline", "amount"]}
                  noStyle
                  rules={[{ required: true }]}
                >
                  <InputNumber
                    min={1}
                    max={maxDeadline[unitWatch ?? "working_days"]}
                    precision={0}
                    style={{ width: 100 }}
                    data-testid="tax-f-deadline"
                  />
                </Form.Item>
                <Form.Item name={["deadline", "unit"]} noStyle>
                  <Select
                    style={{ width: 110 }}
                    data-testid="tax-f-deadline-unit"
                    options={deadlineUnits.map((u) => ({
                      value: u,
                      label: t(`tax.units.${u}`),
                    }))}
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
            <Form.Item
              name="defaultDuty"
              label={t("tax.duty")}
              style={{ flex: 1 }}
              rules={[{ required: true }]}
            >
              <Select
                showSearch={{ optionFilterProp: "label" }}
                data-testid="tax-f-duty"
                options={unitDuties.map((d) => ({
                  value: d,
                  label: pick(unitDutyLabels[d]),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="highFrequency"
              label={t("tax.highFrequencyLong")}
              valuePropName="checked"
            >
              <Switch data-testid="tax-f-hf" />
            </Form.Item>
          </Space.Compact>
          <Form.Item
            name="keywords"
            label={t("tax.keywords")}
            extra={t("tax.keywordsHelp")}
            rules={[
              {
                required: true,
                type: "array",
                min: 1,
                message: t("common.required", { field: t("tax.keywords") }),
              },
            ]}
          >
            <Select
              mode="tags"
              tokenSeparators={[",", "，", "、", " "]}
              open={false}
              suffixIcon={null}
              data-testid="tax-f-keywords"
            />
          </Form.Item>
          <Form.Item name="note" label={t("tax.note")}>
            <Input maxLength={500} data-testid="tax-f-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
