import { useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from "antd";
import { EditOutlined, PlusOutlined } from "@ant-design/icons";
import { unitKinds, type UnitKind } from "@cityloop/domain";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import { PageHead, useDistricts, useFetch, requiredRule, EditModal } from "../hooks.tsx";
import type { UnitCreateT, UnitT, UnitUpdateT } from "../types.ts";

export default function UnitsPage() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const manage = can("unit.manage");
  const { data, loading, reload } = useFetch<UnitT[]>("/units");
  const districts = useDistricts();
  const districtName = (id: string | null) => {
    const d = districts.find((x) => x.id === id);
    return d ? pick({ zh: d.name, en: d.nameEn || d.name }) : "";
  };
  const [editing, setEditing] = useState<UnitT | "new" | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<UnitUpdateT>();
  const [q, setQ] = useState("");

  function open(u: UnitT | "new") {
    setEditing(u);
    form.resetFields();
    if (u === "new") form.setFieldsValue({ kind: "government", active: true });
    else
      form.setFieldsValue({
        code: u.code,
        name: u.name,
        nameEn: u.nameEn,
        kind: u.kind,
        districtId: u.districtId,
        phone: u.phone,
        address: u.address,
        active: u.active,
      });
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: UnitCreateT = {
      code: v.code!.trim(),
      name: v.name!.trim(),
      nameEn: v.nameEn?.trim() ?? "",
      kind: v.kind!,
      districtId: v.districtId ?? null,
      phone: v.phone?.trim() || null,
      address: v.address?.trim() || null,
    };
    setSaving(true);
    try {
      if (editing === "new") await api.post("/units", body);
      else if (editing)
        await api.patch(`/units/${editing.id}`, {
          ...body,
          active: v.active ?? true,
        } satisfies UnitUpdateT);
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
    (u) =>
      !q ||
      u.name.includes(q) ||
      u.code.toLowerCase().includes(q.toLowerCase()) ||
      u.nameEn.toLowerCase().includes(q.toLowerCase()),
  );

  return (
    <>
      <PageHead
        title={t("units.title")}
        extra={
          manage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open("new")}
              data-testid="unit-create"
            >
              {t("common.create")}
            </Button>
          ) : null
        }
      />
      <Card size="small">
        <Input.Search
          allowClear
          placeholder={`${t("common.name")} / ${t("common.code")}`}
          onSearch={(v) => setQ(v.trim())}
          style={{ width: 240, marginBottom: 12 }}
        />
        <Table<UnitT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          scroll={{ x: 900 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="units-table"
          columns={[
            { title: t("common.code"), dataIndex: "code", width: 120 },
            {
              title: t("common.name"),
              render: (_, u) => pick({ zh: u.name, en: u.nameEn || u.name }),
            },
            {
              title: t("units.kind"),
              dataIndex: "kind",
              width: 130,
              render: (k: UnitKind) => t(`units.kinds.${k}`),
            },
            {
              title: t("units.district"),
              dataIndex: "districtId",
              width: 120,
              render: (id: string | null) => districtName(id) || "—",
            },
            {
              title: t("units.staff"),
              render: (_, u) =>
                u.staff?.length ? (
                  <Space size={4} wrap>
                    {[...u.staff]
                      .sort((a, b) => a.slot.localeCompare(b.slot))
                      .map((s) => (
                        <Tag
                          key={s.userId}
                          color={s.slot === "A" ? "blue" : "geekblue"}
                        >
                          {s.slot} · {s.displayName}
                          {s.phone ? ` ${s.phone}` : ""}
                        </Tag>
                      ))}
                  </Space>
                ) : (
                  "—"
                ),
            },
            { title: t("common.phone"), dataIndex: "phone", width: 130 },
            {
              title: t("common.status"),
              dataIndex: "active",
              width: 80,
              render: (a: boolean) =>
                a ? (
                  <Tag color="green">{t("common.active")}</Tag>
                ) : (
                  <Tag>{t("common.inactive")}</Tag>
                ),
            },
            ...(manage
              ? [
                  {
                    title: t("common.actions"),
                    width: 90,
                    render: (_: unknown, u: UnitT) => (
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => open(u)}
                        data-testid={`unit-edit-${u.code}`}
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
        title={editing === "new" ? t("units.createTitle") : t("units.editTitle")}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="unit-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="code"
            label={t("common.code")}
            rules={[
              requiredRule(t, t("common.code")),
            ]}
          >
            <Input maxLength={64} data-testid="unit-code" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t("common.name")}
            rules={[
              requiredRule(t, t("common.name")),
            ]}
          >
            <Input maxLength={100} data-testid="unit-name" />
          </Form.Item>
          <Form.Item name="nameEn" label={t("common.nameEn")}>
            <Input maxLength={100} data-testid="unit-name-en" />
          </Form.Item>
          <Form.Item
            name="kind"
            label={t("units.kind")}
            rules={[
              requiredRule(t, t("units.kind"), false),
            ]}
          >
            <Select
              data-testid="unit-kind"
              options={unitKinds.map((k) => ({
                value: k,
                label: t(`units.kinds.${k}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="districtId" label={t("units.district")}>
            <Select
              allowClear
              data-testid="unit-district"
              options={districts.map((d) => ({
                value: d.id,
                label: `${pick({ zh: d.name, en: d.nameEn || d.name })} (${d.code})`,
              }))}
            />
          </Form.Item>
          <Form.Item name="phone" label={t("common.phone")}>
            <Input maxLength={32} data-testid="unit-phone" />
          </Form.Item>
          <Form.Item name="address" label={t("common.address")}>
            <Input maxLength={200} data-testid="unit-address" />
          </Form.Item>
          <Form.Item
            name="active"
            label={t("common.status")}
            valuePropName="checked"
          >
            <Switch
              checkedChildren={t("common.active")}
              unCheckedChildren={t("common.inactive")}
              data-testid="unit-active"
            />
          </Form.Item>
        </Form>
      </EditModal>
    </>
  );
}
