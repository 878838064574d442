import { useMemo, useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from "antd";
import { EditOutlined, PlusOutlined } from "@ant-design/icons";
import {
  expertFieldLabels,
  expertFields,
  expertModes,
  type ExpertField,
  type ExpertMode,
} from "@cityloop/domain";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import { PageHead, useFetch, requiredRule, EditModal } from "../hooks.tsx";
import type { ExpertCreateT, ExpertT, UnitT, UserT } from "../types.ts";

export default function ExpertsPage() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const manage = can("expert.manage");
  const { data, loading, reload } = useFetch<ExpertT[]>("/experts");
  const { data: units } = useFetch<UnitT[]>(can("unit.read") ? "/units" : null);
  const { data: users } = useFetch<UserT[]>(
    manage && can("user.read") ? "/users" : null,
  );
  const unitName = useMemo(
    () =>
      new Map(
        (units ?? []).map((u) => [
          u.id,
          pick({ zh: u.name, en: u.nameEn || u.name }),
        ]),
      ),
    [units, pick],
  );
  const [editing, setEditing] = useState<ExpertT | "new" | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<ExpertCreateT>();
  const [fieldFilter, setFieldFilter] = useState<ExpertField | undefined>();
  const [modeFilter, setModeFilter] = useState<ExpertMode | undefined>();

  function open(e: ExpertT | "new") {
    setEditing(e);
    form.resetFields();
    if (e === "new")
      form.setFieldsValue({
        mode: "on_call",
        available: true,
        fields: [],
        conflictUnitIds: [],
      });
    else
      form.setFieldsValue({
        userId: e.userId,
        name: e.name,
        organisation: e.organisation,
        title: e.title,
        phone: e.phone,
        fields: e.fields,
        mode: e.mode,
        available: e.available,
        conflictUnitIds: e.conflictUnitIds,
      });
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: ExpertCreateT = {
      userId: v.userId ?? null,
      name: v.name.trim(),
      organisation: v.organisation?.trim() ?? "",
      title: v.title?.trim() ?? "",
      phone: v.phone?.trim() || null,
      fields: v.fields ?? [],
      mode: v.mode,
      available: v.available ?? true,
      conflictUnitIds: v.conflictUnitIds ?? [],
    };
    setSaving(true);
    try {
      if (editing === "new") await api.post("/experts", body);
      else if (editing) await api.patch(`/experts/${editing.id}`, body);
      void message.success(t("common.saved"));
      setEditing(null);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  const rows = (data ?? []).filter(
    (e) =>
      (!fieldFilter || e.fields.includes(fieldFilter)) &&
      (!modeFilter || e.mode === modeFilter),
  );

  return (
    <>
      <PageHead
        title={t("experts.title")}
        extra={
          manage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open("new")}
              data-testid="expert-create"
            >
              {t("common.create")}
            </Button>
          ) : null
        }
      />
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select<ExpertField>
            allowClear
            placeholder={t("experts.fields")}
            style={{ width: 200 }}
            value={fieldFilter}
            onChange={setFieldFilter}
            options={expertFields.map((f) => ({
              value: f,
              label: pick(expertFieldLabels[f]),
            }))}
          />
          <Select<ExpertMode>
            allowClear
            placeholder={t("experts.mode")}
            style={{ width: 150 }}
            value={modeFilter}
            onChange={setModeFilter}
            options={expertModes.map((m) => ({
              value: m,
              label: t(`experts.modes.${m}`),
            }))}
          />
        </Space>
        <Table<ExpertT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          scroll={{ x: 1000 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="experts-table"
          columns={[
            { title: t("experts.name"), dataIndex: "name", width: 100 },
            { title: t("experts.organisation"), dataIndex: "organisation" },
            { title: t("experts.jobTitle"), dataIndex: "title", width: 120 },
            {
              title: t("experts.fields"),
              dataIndex: "fields",
              render: (fs: ExpertField[]) => (
                <Space size={4} wrap>
                  {fs.map((f) => (
                    <Tag key={f}>{pick(expertFieldLabels[f])}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t("experts.mode"),
              dataIndex: "mode",
              width: 100,
              render: (m: ExpertMode) => (
                <Tag color={m === "fixed" ? "purple" : "cyan"}>
                  {t(`experts.modes.${m}`)}
                </Tag>
              ),
            },
            {
              title: t("experts.available"),
              dataIndex: "available",
              width: 80,
              render: (a: boolean) =>
                a ? (
                  <Tag color="green">{t("common.yes")}</Tag>
                ) : (
                  <Tag>{t("common.no")}</Tag>
                ),
            },
            {
              title: t("experts.conflicts"),
              dataIndex: "conflictUnitIds",
              render: (ids: string[]) =>
                ids?.length
                  ? ids
                      .map((id) => unitName.get(id) ?? id.slice(0, 8))
                      .join("、")
                  : "—",
            },
            { title: t("common.phone"), dataIndex: "phone", width: 130 },
            ...(manage
              ? [
                  {
                    title: t("common.actions"),
                    width: 90,
                    render: (_: unknown, e: ExpertT) => (
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => open(e)}
                        data-testid={`expert-edit-${e.id}`}
                      >
                        {t("common.edit")}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <EditModal
        open={!!editing}
        title={editing === "new" ? t("experts.createTitle") : t("experts.editTitle")}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="expert-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t("experts.name")}
            rules={[
              requiredRule(t, t("experts.name")),
            ]}
          >
            <Input maxLength={100} data-testid="expert-name" />
          </Form.Item>
          <Form.Item
            name="organisation"
            label={t("experts.organisation")}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t("common.required", {
                  field: t("experts.organisation"),
                }),
              },
            ]}
          >
            <Input maxLength={200} data-testid="expert-organisation" />
          </Form.Item>
          <Form.Item name="title" label={t("experts.jobTitle")}>
            <Input maxLength={100} data-testid="expert-title" />
          </Form.Item>
          <Form.Item name="phone" label={t("common.phone")}>
            <Input maxLength={32} data-testid="expert-phone" />
          </Form.Item>
          <Form.Item
            name="fields"
            label={t("experts.fields")}
            rules={[
              {
                required: true,
                type: "array",
                min: 1,
                message: t("common.required", { field: t("experts.fields") }),
              },
            ]}
          >
            <Select
              mode="multiple"
              data-testid="expert-fields"
              options={expertFields.map((f) => ({
                value: f,
                label: pick(expertFieldLabels[f]),
              }))}
            />
          </Form.Item>
          <Space size={32} wrap>
            <Form.Item
              name="mode"
              label={t("experts.mode")}
              rules={[{ required: true }]}
            >
              <Radio.Group
                data-testid="expert-mode"
                options={expertModes.map((m) => ({
                  value: m,
                  label: t(`experts.modes.${m}`),
                }))}
                optionType="button"
              />
            </Form.Item>
            <Form.Item
              name="available"
              label={t("experts.available")}
              valuePropName="checked"
            >
              <Switch data-testid="expert-available" />
            </Form.Item>
          </Space>
          <Form.Item name="conflictUnitIds" label={t("experts.conflicts")}>
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: "label" }}
              data-testid="expert-conflicts"
              options={(units ?? []).map((u) => ({
                value: u.id,
                label: `${unitName.get(u.id)} (${u.code})`,
              }))}
            />
          </Form.Item>
          {users ? (
            <Form.Item name="userId" label={t("experts.account")}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                data-testid="expert-user"
                options={users
                  .filter((u) => u.roles.includes("expert"))
                  .map((u) => ({
                    value: u.id,
                    label: `${u.displayName} (${u.username})`,
                  }))}
              />
            </Form.Item>
          ) : null}
        </Form>
      </EditModal>
    </>
  );
}
