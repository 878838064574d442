import { useMemo, useState } from "react";
import {
  App as AntApp,
  Alert,
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
import { DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import {
  roleLabels,
  specialistGroupLabels,
  specialistGroups,
  teamRoles,
  type SpecialistGroup,
  type TeamRole,
  type UserRole,
} from "@cityloop/domain";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import { PageHead, useFetch, requiredRule, EditModal } from "../hooks.tsx";
import type { TeamCreateT, TeamMemberT, TeamT, UserT } from "../types.ts";

/** The five seats of a team (§4.1): 1 lead, 2 experts, 1 discipline, 1 recorder. */
const seats: {
  key: string;
  role: TeamRole;
  labelKey: string;
  prefer: UserRole;
}[] = [
  {
    key: "lead",
    role: "lead",
    labelKey: "teams.roles.lead",
    prefer: "inspector",
  },
  {
    key: "expert1",
    role: "expert",
    labelKey: "teams.expert1",
    prefer: "expert",
  },
  {
    key: "expert2",
    role: "expert",
    labelKey: "teams.expert2",
    prefer: "expert",
  },
  {
    key: "discipline",
    role: "discipline",
    labelKey: "teams.roles.discipline",
    prefer: "discipline",
  },
  {
    key: "recorder",
    role: "recorder",
    labelKey: "teams.roles.recorder",
    prefer: "inspector",
  },
];

type FormValues = { name: string; specialistGroup: SpecialistGroup } & Record<
  string,
  string | undefined
>;

export default function TeamsPage() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const manage = can("team.manage");
  const { data, loading, reload } = useFetch<TeamT[]>("/teams");
  const { data: users } = useFetch<UserT[]>(
    manage && can("user.read") ? "/users" : null,
  );
  const [editing, setEditing] = useState<TeamT | "new" | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<FormValues>();

  const userOptions = useMemo(
    () =>
      (users ?? [])
        .filter((u) => u.active)
        .map((u) => ({
          value: u.id,
          label: `${u.displayName} (${u.username})`,
          roles: u.roles,
          hint: u.roles.map((r) => pick(roleLabels[r])).join("、"),
        })),
    [users, pick],
  );

  function open(team: TeamT | "new") {
    setEditing(team);
    form.resetFields();
    if (team === "new") {
      form.setFieldsValue({ specialistGroup: "infrastructure" });
      return;
    }
    const v: Record<string, string> = {
      name: team.name,
      specialistGroup: team.specialistGroup,
    };
    const experts = team.members.filter((m) => m.teamRole === "expert");
    for (const s of seats) {
      const m =
        s.key === "expert1"
          ? experts[0]
          : s.key === "expert2"
            ? experts[1]
            : team.members.find((x) => x.teamRole === s.role);
      if (m) v[s.key] = m.userId;
    }
    form.setFieldsValue(v as FormValues);
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: TeamCreateT = {
      name: v.name.trim(),
      specialistGroup: v.specialistGroup,
      members: seats.map((s) => ({ userId: v[s.key]!, teamRole: s.role })),
    };
    setSaving(true);
    try {
      if (editing === "new") await api.post("/teams", body);
      else if (editing) await api.patch(`/teams/${editing.id}`, body);
      void message.success(t("common.saved"));
      setEditing(null);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  async function remove(team: TeamT) {
    try {
      await api.del(`/teams/${team.id}`);
      void message.success(t("common.deleted"));
      void reload();
    } catch (err) {
      showError(err);
    }
  }

  /** a seat's person must not hold another seat */
  const distinct = (key: string) => ({
    validator: (_: unknown, v: string | undefined) => {
      if (!v) return Promise.resolve();
      const others = seats
        .filter((s) => s.key !== key)
        .map((s) => form.getFieldValue(s.key) as string | undefined);
      return others.includes(v)
        ? Promise.reject(new Error(t("teams.duplicate")))
        : Promise.resolve();
    },
  });

  return (
    <>
      <PageHead
        title={t("teams.title")}
        extra={
          manage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open("new")}
              data-testid="team-create"
            >
              {t("common.create")}
            </Button>
          ) : null
        }
      />
      <Card size="small">
        <Table<TeamT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data ?? []}
          scroll={{ x: 900 }}
          pagination={false}
          data-testid="teams-table"
          columns={[
            { title: t("common.name"), dataIndex: "name", width: 160 },
            {
              title: t("teams.group"),
              dataIndex: "specialistGroup",
              width: 140,
              render: (g: SpecialistGroup) => pick(specialistGroupLabels[g]),
            },
            {
              title: t("teams.members"),
              dataIndex: "members",
              render: (ms: TeamMemberT[]) => (
                <Space size={4} wrap>
                  {[...ms]
                    .sort(
                      (a, b) =>
                        teamRoles.indexOf(a.teamRole) -
                        teamRoles.indexOf(b.teamRole),
                    )
                    .map((m) => (
                      <Tag
                        key={m.userId}
                        color={
                          m.teamRole === "lead"
                            ? "gold"
                            : m.teamRole === "discipline"
                              ? "red"
                              : m.teamRole === "expert"
                                ? "blue"
                                : "default"
                        }
                      >
                        {t(`teams.roles.${m.teamRole}`)} · {m.displayName}
                      </Tag>
                    ))}
                </Space>
              ),
            },
            ...(manage
              ? [
                  {
                    title: t("common.actions"),
                    width: 170,
                    render: (_: unknown, team: TeamT) => (
                      <Space size={4}>
                        <Button
                          size="small"
                          icon={<EditOutlined />}
                          onClick={() => open(team)}
                          data-testid={`team-edit-${team.name}`}
                        >
                          {t("common.edit")}
                        </Button>
                        <Popconfirm
                          title={t("common.confirmDelete")}
                          onConfirm={() => void remove(team)}
                        >
                          <Button
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            data-testid={`team-delete-${team.name}`}
                          >
                            {t("common.delete")}
                          </Button>
                        </Popconfirm>
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
        title={editing === "new" ? t("teams.createTitle") : t("teams.editTitle")}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="team-save"
      >
        <Alert
          type="info"
          showIcon
          title={t("teams.composition")}
          style={{ marginBottom: 12 }}
        />
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t("common.name")}
            rules={[
              requiredRule(t, t("common.name")),
            ]}
          >
            <Input maxLength={100} data-testid="team-name" />
          </Form.Item>
          <Form.Item
            name="specialistGroup"
            label={t("teams.group")}
            rules={[
              requiredRule(t, t("teams.group"), false),
            ]}
          >
            <Select
              data-testid="team-group"
              options={specialistGroups.map((g) => ({
                value: g,
                label: pick(specialistGroupLabels[g]),
              }))}
            />
          </Form.Item>
          {seats.map((s) => (
            <Form.Item
              key={s.key}
              name={s.key}
              label={t(s.labelKey)}
              dependencies={seats
                .filter((o) => o.key !== s.key)
                .map((o) => o.key)}
              rules={[
                requiredRule(t, t(s.labelKey), false),
                distinct(s.key),
              ]}
            >
              <Select
                showSearch={{ optionFilterProp: "label" }}
                data-testid={`team-seat-${s.key}`}
                options={[...userOptions].sort(
                  (a, b) =>
                    Number(b.roles.includes(s.prefer)) -
                    Number(a.roles.includes(s.prefer)),
                )}
                optionRender={(o) => (
                  <span>
                    {o.data.label}{" "}
                    <Typography.Text type="secondary">
                      {o.data.hint}
                    </Typography.Text>
                  </span>
                )}
              />
            </Form.Item>
          ))}
        </Form>
      </EditModal>
    </>
  );
}
