import { useMemo, useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { EditOutlined, KeyOutlined, PlusOutlined } from "@ant-design/icons";
import {
  isAcceptablePassword,
  roleLabels,
  staffRoles,
  staffSlots,
  userRoles,
  type UserRole,
} from "@cityloop/domain";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import { fmtTime, PageHead, useDistricts, useFetch, requiredRule, EditModal } from "../hooks.tsx";
import type { UnitT, UserCreateT, UserT, UserUpdateT } from "../types.ts";

type FormValues = Partial<UserCreateT>;

export default function UsersPage() {
  const { t, pick, lang } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const manage = can("user.manage");
  const { data, loading, reload } = useFetch<UserT[]>("/users");
  const { data: units } = useFetch<UnitT[]>(can("unit.read") ? "/units" : null);
  const districts = useDistricts();
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
  const districtName = useMemo(
    () =>
      new Map(
        districts.map((d) => [
          d.id,
          pick({ zh: d.name, en: d.nameEn || d.name }),
        ]),
      ),
    [districts, pick],
  );
  const [editing, setEditing] = useState<UserT | "new" | null>(null);
  const [resetting, setResetting] = useState<UserT | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<FormValues>();
  const [pwForm] = Form.useForm<{ password: string }>();
  const roles = Form.useWatch("roles", form) ?? [];
  const unitId = Form.useWatch("unitId", form);
  const [q, setQ] = useState("");
  const [roleFilter, setRoleFilter] = useState<UserRole | undefined>();

  const passwordRule = {
    validator: (_: unknown, v: string) =>
      !v || isAcceptablePassword(v)
        ? Promise.resolve()
        : Promise.reject(new Error(t("users.passwordRule"))),
  };

  function open(u: UserT | "new") {
    setEditing(u);
    form.resetFields();
    if (u === "new") form.setFieldsValue({ roles: [], districtIds: [] });
    else
      form.setFieldsValue({
        username: u.username,
        displayName: u.displayName,
        phone: u.phone,
        roles: u.roles,
        unitId: u.unitId,
        staffSlot: u.staffSlot,
        districtIds: u.districtIds ?? [],
      });
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: UserUpdateT = {
      displayName: v.displayName!.trim(),
      phone: v.phone?.trim() || null,
      roles: v.roles!,
      unitId: v.unitId ?? null,
      staffSlot: v.unitId ? (v.staffSlot ?? null) : null,
      districtIds: v.roles?.includes("leader") ? (v.districtIds ?? []) : [],
    };
    setSaving(true);
    try {
      if (editing === "new")
        await api.post("/users", {
          ...body,
          roles: v.roles!,
          displayName: v.displayName!.trim(),
          username: v.username!.trim(),
          password: v.password!,
        } satisfies UserCreateT);
      else if (editing) await api.patch(`/users/${editing.id}`, body);
      void message.success(t("common.saved"));
      setEditing(null);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  async function setActive(u: UserT, active: boolean) {
    try {
      await api.patch(`/users/${u.id}`, { active } satisfies UserUpdateT);
      void message.success(t("common.saved"));
      void reload();
    } catch (err) {
      showError(err);
    }
  }

  async function resetPassword() {
    if (!resetting) return;
    const v = await pwForm.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      await api.patch(`/users/${resetting.id}`, {
        password: v.password,
      } satisfies UserUpdateT);
      void message.success(t("users.passwordReset"));
      setResetting(null);
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  const ql = q.toLowerCase();
  const rows = (data ?? []).filter(
    (u) =>
      (!q ||
        u.username.toLowerCase().includes(ql) ||
        u.displayName.toLowerCase().includes(ql)) &&
      (!roleFilter || u.roles.includes(roleFilter)),
  );

  return (
    <>
      <PageHead
        title={t("users.title")}
        extra={
          manage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open("new")}
              data-testid="user-create"
            >
              {t("common.create")}
            </Button>
          ) : null
        }
      />
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={`${t("users.username")} / ${t("users.displayName")}`}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 240 }}
          />
          <Select<UserRole>
            allowClear
            placeholder={t("users.roles")}
            style={{ width: 180 }}
            value={roleFilter}
            onChange={setRoleFilter}
            options={userRoles.map((r) => ({
              value: r,
              label: pick(roleLabels[r]),
            }))}
          />
        </Space>
        <Table<UserT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          scroll={{ x: 1300 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="users-table"
          columns={[
            { title: t("users.username"), dataIndex: "username", width: 120 },
            {
              title: t("users.displayName"),
              dataIndex: "displayName",
              width: 170,
            },
            {
              title: t("users.roles"),
              dataIndex: "roles",
              render: (rs: UserRole[]) => (
                <Space size={4} wrap>
                  {rs.map((r) => (
                    <Tag key={r} color="blue">
                      {pick(roleLabels[r])}
                    </Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t("users.unit"),
              render: (_, u) =>
                u.unitId
                  ? `${unitName.get(u.unitId) ?? u.unitId.slice(0, 8)}${u.staffSlot ? ` · ${u.staffSlot}` : ""}`
                  : "—",
            },
            {
              title: t("users.districts"),
              dataIndex: "districtIds",
              render: (ids: string[] | undefined) =>
                ids?.length
                  ? ids
                      .map((id) => districtName.get(id) ?? id.slice(0, 8))
                      .join("、")
                  : "—",
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
                  <Tag color="red">{t("common.inactive")}</Tag>
                ),
            },
            {
              title: t("users.createdAt"),
              dataIndex: "createdAt",
              width: 160,
              render: (v: string) => fmtTime(v, lang),
            },
            ...(manage
              ? [
                  {
                    title: t("common.actions"),
                    width: lang === "en" ? 320 : 260,
                    fixed: "right" as const,
                    render: (_: unknown, u: UserT) => (
                      <Space size={4}>
                        <Button
                          size="small"
                          icon={<EditOutlined />}
                          onClick={() => open(u)}
                          data-testid={`user-edit-${u.username}`}
                        >
                          {t("common.edit")}
                        </Button>
                        <Popconfirm
                          title={
                            u.active
                              ? t("common.deactivate")
                              : t("common.activate")
                          }
                          onConfirm={() => void setActive(u, !u.active)}
                        >
                          <Button
                            size="small"
                            danger={u.active}
                            data-testid={`user-toggle-${u.username}`}
                          >
                            {u.active
                              ? t("common.deactivate")
                              : t("common.activate")}
                          </Button>
                        </Popconfirm>
                        <Button
                          size="small"
                          icon={<KeyOutlined />}
                          data-testid={`user-reset-${u.username}`}
                          onClick={() => {
                            pwForm.resetFields();
                            setResetting(u);
                          }}
                        >
                          {t("users.resetPassword")}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <EditModal
        open={!!editing}
        title={editing === "new" ? t("users.createTitle") : t("users.editTitle")}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="user-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label={t("users.username")}
            rules={[
              requiredRule(t, t("users.username")),
              {
                pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/,
                message: t("users.usernameRule"),
              },
            ]}
          >
            <Input
              maxLength={64}
              disabled={editing !== "new"}
              autoComplete="off"
              data-testid="user-username"
            />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t("users.displayName")}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t("common.required", {
                  field: t("users.displayName"),
                }),
              },
            ]}
          >
            <Input maxLength={100} data-testid="user-display-name" />
          </Form.Item>
          {editing === "new" ? (
            <Form.Item
              name="password"
              label={t("users.password")}
              rules={[
                requiredRule(t, t("users.password"), false),
                passwordRule,
              ]}
            >
              <Input.Password
                autoComplete="new-password"
                data-testid="user-password"
              />
            </Form.Item>
          ) : null}
          <Form.Item name="phone" label={t("common.phone")}>
            <Input maxLength={32} data-testid="user-phone" />
          </Form.Item>
          <Form.Item
            name="roles"
            label={t("users.roles")}
            rules={[
              {
                required: true,
                type: "array",
                min: 1,
                message: t("common.required", { field: t("users.roles") }),
              },
            ]}
          >
            <Select
              mode="multiple"
              data-testid="user-roles"
              options={[...staffRoles, "citizen" as const].map((r) => ({
                value: r,
                label: pick(roleLabels[r]),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="unitId"
            label={t("users.unit")}
            rules={[
              {
                required: roles.includes("unit"),
                message: t("common.required", { field: t("users.unit") }),
              },
            ]}
          >
            <Select
              allowClear
              showSearch={{ optionFilterProp: "label" }}
              data-testid="user-unit"
              options={(units ?? []).map((u) => ({
                value: u.id,
                label: `${unitName.get(u.id)} (${u.code})`,
              }))}
            />
          </Form.Item>
          {unitId ? (
            <Form.Item name="staffSlot" label={t("users.slot")}>
              <Select
                allowClear
                data-testid="user-slot"
                placeholder={t("users.slotNone")}
                options={staffSlots.map((s) => ({
                  value: s,
                  label: lang === "en" ? `Slot ${s}` : `${s} 角`,
                }))}
              />
            </Form.Item>
          ) : null}
          {roles.includes("leader") ? (
            <Form.Item
              name="districtIds"
              label={t("users.districts")}
              extra={t("users.districtsHelp")}
            >
              <Select
                mode="multiple"
                data-testid="user-districts"
                options={districts.map((d) => ({
                  value: d.id,
                  label: districtName.get(d.id),
                }))}
              />
            </Form.Item>
          ) : null}
        </Form>
      </EditModal>
      <EditModal
        open={!!resetting}
        title={`${t("users.resetPassword")} · ${resetting?.displayName ?? ""}`}
        saving={saving}
        onSave={() => void resetPassword()}
        onCancel={() => setResetting(null)}
        saveTestId="user-reset-save"
      >
        <Form form={pwForm} layout="vertical">
          <Form.Item
            name="password"
            label={t("users.newPassword")}
            rules={[
              {
                required: true,
                message: t("common.required", {
                  field: t("users.newPassword"),
                }),
              },
              passwordRule,
            ]}
          >
            <Input.Password
              autoComplete="new-password"
              data-testid="user-new-password"
            />
          </Form.Item>
          <Typography.Text type="secondary">
            {t("users.passwordRule")}
          </Typography.Text>
        </Form>
      </EditModal>
    </>
  );
}
