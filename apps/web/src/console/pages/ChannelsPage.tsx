/**
 * 通知渠道: where the city's notifications are also sent — an e-mail list (SMTP), a webhook,
 * a WeCom or DingTalk group robot. The office adds and edits channels (secrets are write-only:
 * the server only says whether one is set), switches them on and off, sends a test message
 * and sees the outcome, and follows recent deliveries with their retries and last error.
 */
import { useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import type { Static } from 'typebox';
import type { Channel, ChannelCreateBody, ChannelTestResult, ChannelUpdateBody, Delivery } from '@cityloop/server/schemas/notifications';
import { api } from '../api.ts';
import { useLang } from '../i18n.ts';
import { useShowError } from '../session.tsx';
import { EditModal, fmtTime, PageHead, requiredRule, useFetch } from '../hooks.tsx';

type ChannelT = Static<typeof Channel>;
type ChannelKind = ChannelT['kind'];
type ChannelCreateT = Static<typeof ChannelCreateBody>;
type ChannelUpdateT = Static<typeof ChannelUpdateBody>;
type DeliveryT = Static<typeof Delivery>;
type TestResultT = Static<typeof ChannelTestResult>;

const channelKinds: ChannelKind[] = ['wecom', 'dingtalk', 'smtp', 'webhook'];
const kindColors: Record<ChannelKind, string> = {
  smtp: 'blue',
  webhook: 'purple',
  wecom: 'green',
  dingtalk: 'geekblue',
};

/** Notification kinds the server sends today (cases, escalation, consolidation, re-check, intake). */
const knownKinds = [
  'case.assigned',
  'case.cooperating',
  'case.leading',
  'case.red_alert',
  'case.opinion_requested',
  'case.opinion_given',
  'case.extension_requested',
  'case.extension_decided',
  'case.closeout_submitted',
  'case.returned',
  'case.closed',
  'case.relapsed',
  'case.reopened_low_satisfaction',
  'escalation.reminder',
  'escalation.summary',
  'escalation.verification',
  'escalation.interview',
  'consolidation.pushed',
  'consolidation.office',
  'recheck.tasks',
  'problem.report_added',
  'problem.merged',
  'problem.assigned',
  'problem.dismissed',
  'problem.closed',
];

/** The form holds every kind's fields; `save` picks those of the chosen kind. */
interface ChannelForm {
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  kinds: string[];
  url?: string;
  customUrl?: boolean;
  secret?: string;
  clearSecret?: boolean;
  host?: string;
  port?: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from?: string;
  to?: string[];
}

type DeliveryState = DeliveryT['status'] | 'retrying';
const stateOf = (d: DeliveryT): DeliveryState => (d.status === 'failed' && d.nextAttemptAt ? 'retrying' : d.status);
const stateColors: Record<DeliveryState, string> = {
  pending: 'default',
  sending: 'processing',
  sent: 'green',
  retrying: 'orange',
  failed: 'red',
};

function secretSet(c: ChannelT): boolean {
  if (c.kind === 'smtp') return c.config.passwordSet;
  if (c.kind === 'webhook' || c.kind === 'dingtalk') return c.config.secretSet;
  return false;
}

export default function ChannelsPage() {
  const { t, lang } = useLang();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const channels = useFetch<ChannelT[]>('/notification-channels');
  const [filter, setFilter] = useState<{ channelId?: string; status?: string }>({});
  const deliveries = useFetch<DeliveryT[]>('/notification-channels/deliveries', {
    ...filter,
    limit: 100,
  });
  const [editing, setEditing] = useState<ChannelT | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState<string | null>(null);
  const [tested, setTested] = useState<{ name: string; result: TestResultT } | null>(null);
  const [form] = Form.useForm<ChannelForm>();
  const kind = Form.useWatch('kind', form);
  const current = editing && editing !== 'new' ? editing : null;

  const kindName = (k: string) => t(`channels.kindNames.${k.replace(/\./g, '_')}`, { defaultValue: k });

  function open(c: ChannelT | 'new') {
    setEditing(c);
    form.resetFields();
    if (c === 'new') {
      form.setFieldsValue({ kind: 'wecom', enabled: true, kinds: [], port: 465, secure: true });
      return;
    }
    const base = { kind: c.kind, name: c.name, enabled: c.enabled, kinds: c.kinds };
    if (c.kind === 'smtp')
      form.setFieldsValue({
        ...base,
        host: c.config.host,
        port: c.config.port,
        secure: c.config.secure,
        user: c.config.user ?? '',
        from: c.config.from,
        to: c.config.to,
      });
    else
      form.setFieldsValue({
        ...base,
        customUrl: c.kind === 'webhook' ? false : c.config.customUrl,
      });
  }

  /** The config of the form's kind; on an edit, empty write-only fields keep what is stored. */
  function configOf(v: ChannelForm, edit: boolean): Record<string, unknown> {
    const secret = v.clearSecret ? null : v.secret ? v.secret : undefined;
    const url = v.url?.trim() || undefined;
    switch (v.kind) {
      case 'smtp':
        return {
          host: v.host?.trim(),
          port: v.port,
          secure: v.secure ?? false,
          user: v.user?.trim() || null,
          from: v.from?.trim(),
          to: v.to ?? [],
          ...(v.clearSecret ? { password: null } : v.password ? { password: v.password } : {}),
        };
      case 'webhook':
        return { ...(url || !edit ? { url } : {}), ...(secret !== undefined ? { secret } : {}) };
      case 'wecom':
        return { ...(url || !edit ? { url } : {}), customUrl: v.customUrl ?? false };
      case 'dingtalk':
        return {
          ...(url || !edit ? { url } : {}),
          customUrl: v.customUrl ?? false,
          ...(secret !== undefined ? { secret } : {}),
        };
    }
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      if (editing === 'new') {
        const body = {
          kind: v.kind,
          name: v.name.trim(),
          enabled: v.enabled,
          kinds: v.kinds ?? [],
          config: configOf(v, false),
        } as ChannelCreateT;
        await api.post('/notification-channels', body);
      } else if (editing) {
        const body = {
          name: v.name.trim(),
          enabled: v.enabled,
          kinds: v.kinds ?? [],
          config: configOf(v, true),
        } as ChannelUpdateT;
        await api.patch(`/notification-channels/${editing.id}`, body);
      }
      void message.success(t('common.saved'));
      setEditing(null);
      void channels.reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  async function toggle(c: ChannelT, enabled: boolean) {
    try {
      await api.patch(`/notification-channels/${c.id}`, { enabled } satisfies ChannelUpdateT);
      void channels.reload();
      void deliveries.reload();
    } catch (err) {
      showError(err);
    }
  }

  async function remove(c: ChannelT) {
    try {
      await api.del(`/notification-channels/${c.id}`);
      void message.success(t('common.deleted'));
      void channels.reload();
      void deliveries.reload();
    } catch (err) {
      showError(err);
    }
  }

  async function sendTest(c: ChannelT) {
    setTesting(c.id);
    try {
      const result = await api.post<TestResultT>(`/notification-channels/${c.id}/test`);
      setTested({ name: c.name, result });
      void deliveries.reload();
    } catch (err) {
      showError(err);
    } finally {
      setTesting(null);
    }
  }

  const target = (c: ChannelT) =>
    c.kind === 'smtp' ? (
      <Typography.Text>
        {c.config.to.join(', ')}
        <Typography.Text type="secondary">
          {' '}
          · {c.config.host}:{c.config.port}
        </Typography.Text>
      </Typography.Text>
    ) : (
      <Typography.Text code style={{ wordBreak: 'break-all' }}>
        {c.config.url}
      </Typography.Text>
    );

  const urlHelp =
    kind === 'wecom' ? t('channels.wecomUrlHelp') : kind === 'dingtalk' ? t('channels.dingtalkUrlHelp') : t('channels.webhookUrlHelp');
  const currentUrl = current && current.kind !== 'smtp' ? current.config.url : null;
  const hasSecret = current ? secretSet(current) : false;

  return (
    <>
      <PageHead
        title={t('channels.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} data-testid="channel-create" onClick={() => open('new')}>
            {t('common.create')}
          </Button>
        }
      />
      <Alert type="info" showIcon title={t('channels.intro')} style={{ marginBottom: 12 }} />
      {tested && (
        <Alert
          type={tested.result.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setTested(null) }}
          data-testid="channel-test-result"
          style={{ marginBottom: 12 }}
          title={
            tested.result.ok
              ? t('channels.testOk', { name: tested.name })
              : t('channels.testFailed', {
                  name: tested.name,
                  error: tested.result.delivery.lastError ?? '',
                })
          }
        />
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Table<ChannelT>
          size="small"
          rowKey="id"
          loading={channels.loading}
          dataSource={channels.data ?? []}
          scroll={{ x: 960 }}
          pagination={false}
          data-testid="channels-table"
          columns={[
            { title: t('common.name'), dataIndex: 'name', width: 160 },
            {
              title: t('channels.kind'),
              dataIndex: 'kind',
              width: 150,
              render: (k: ChannelKind) => <Tag color={kindColors[k]}>{t(`channels.kinds.${k}`)}</Tag>,
            },
            { title: t('channels.target'), render: (_, c) => target(c) },
            {
              title: t('channels.forwards'),
              dataIndex: 'kinds',
              width: 220,
              render: (ks: string[]) =>
                ks.length ? (
                  <Space size={4} wrap>
                    {ks.map((k) => (
                      <Tooltip key={k} title={k}>
                        <Tag>{kindName(k)}</Tag>
                      </Tooltip>
                    ))}
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('channels.forwardsAll')}</Typography.Text>
                ),
            },
            {
              title: t('channels.enabled'),
              dataIndex: 'enabled',
              width: 80,
              render: (on: boolean, c) => (
                <Switch size="small" checked={on} data-testid={`channel-enabled-${c.name}`} onChange={(v) => void toggle(c, v)} />
              ),
            },
            {
              title: t('common.actions'),
              width: 250,
              render: (_, c) => (
                <Space size={4}>
                  <Button
                    size="small"
                    icon={<SendOutlined />}
                    loading={testing === c.id}
                    data-testid={`channel-test-${c.name}`}
                    onClick={() => void sendTest(c)}
                  >
                    {t('channels.test')}
                  </Button>
                  <Button size="small" icon={<EditOutlined />} data-testid={`channel-edit-${c.name}`} onClick={() => open(c)}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm title={t('channels.confirmDelete')} onConfirm={() => void remove(c)}>
                    <Button size="small" danger icon={<DeleteOutlined />} data-testid={`channel-delete-${c.name}`} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('channels.deliveries')}
        extra={
          <Space>
            <Select
              allowClear
              placeholder={t('channels.allChannels')}
              style={{ width: 180 }}
              value={filter.channelId}
              onChange={(channelId?: string) => setFilter((f) => ({ ...f, channelId }))}
              options={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
            <Select
              allowClear
              placeholder={t('channels.allStatuses')}
              style={{ width: 130 }}
              value={filter.status}
              onChange={(status?: string) => setFilter((f) => ({ ...f, status }))}
              options={(['pending', 'sending', 'sent', 'failed'] as const).map((s) => ({
                value: s,
                label: t(`channels.status.${s}`),
              }))}
            />
            <Button icon={<ReloadOutlined />} onClick={() => void deliveries.reload()}>
              {t('common.refresh')}
            </Button>
          </Space>
        }
      >
        <Table<DeliveryT>
          size="small"
          rowKey="id"
          loading={deliveries.loading}
          dataSource={deliveries.data ?? []}
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="deliveries-table"
          columns={[
            {
              title: t('channels.createdAt'),
              dataIndex: 'createdAt',
              width: 165,
              render: (v: string) => fmtTime(v, lang),
            },
            { title: t('channels.channel'), dataIndex: 'channelName', width: 140 },
            {
              title: t('channels.notification'),
              render: (_, d) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text>{d.title}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {kindName(d.kind)}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('common.status'),
              width: 110,
              render: (_, d) => {
                const s = stateOf(d);
                return <Tag color={stateColors[s]}>{t(`channels.status.${s}`)}</Tag>;
              },
            },
            {
              title: t('channels.attempts'),
              width: 90,
              render: (_, d) => `${d.attempts} / ${d.maxAttempts}`,
            },
            {
              title: t('channels.nextAttempt'),
              dataIndex: 'nextAttemptAt',
              width: 165,
              render: (v: string | null, d) => (v && d.status !== 'pending' ? fmtTime(v, lang) : '—'),
            },
            {
              title: t('channels.lastError'),
              dataIndex: 'lastError',
              render: (e: string | null) =>
                e ? (
                  <Typography.Text type="danger" style={{ fontSize: 12 }} ellipsis={{ tooltip: e }}>
                    {e}
                  </Typography.Text>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Card>
      <EditModal
        open={!!editing}
        title={editing === 'new' ? t('channels.createTitle') : t('channels.editTitle')}
        saving={saving}
        onSave={() => void save()}
        onCancel={() => setEditing(null)}
        saveTestId="channel-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t('channels.kind')} rules={[requiredRule(t, t('channels.kind'), false)]}>
            <Select
              disabled={editing !== 'new'}
              data-testid="channel-kind"
              options={channelKinds.map((k) => ({ value: k, label: t(`channels.kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[requiredRule(t, t('common.name'))]}>
            <Input maxLength={100} data-testid="channel-name" />
          </Form.Item>
          {kind === 'smtp' ? (
            <>
              <div style={{ display: 'flex', gap: 12 }}>
                <Form.Item name="host" label={t('channels.host')} rules={[requiredRule(t, t('channels.host'))]} style={{ flex: 1 }}>
                  <Input placeholder="smtp.example.gov.cn" data-testid="channel-host" />
                </Form.Item>
                <Form.Item
                  name="port"
                  label={t('channels.port')}
                  rules={[requiredRule(t, t('channels.port'), false)]}
                  style={{ width: 110 }}
                >
                  <InputNumber min={1} max={65535} style={{ width: '100%' }} data-testid="channel-port" />
                </Form.Item>
              </div>
              <Form.Item name="secure" valuePropName="checked">
                <Checkbox>{t('channels.secure')}</Checkbox>
              </Form.Item>
              <Form.Item name="user" label={t('channels.user')}>
                <Input autoComplete="off" data-testid="channel-user" />
              </Form.Item>
              <Form.Item name="password" label={t('channels.password')} extra={hasSecret ? t('channels.secretKeep') : undefined}>
                <Input.Password autoComplete="new-password" data-testid="channel-password" />
              </Form.Item>
              <Form.Item name="from" label={t('channels.from')} rules={[requiredRule(t, t('channels.from'))]}>
                <Input placeholder="城建督查办 <office@example.gov.cn>" data-testid="channel-from" />
              </Form.Item>
              <Form.Item
                name="to"
                label={t('channels.to')}
                extra={t('channels.toHelp')}
                rules={[
                  {
                    required: true,
                    type: 'array',
                    min: 1,
                    message: t('common.required', { field: t('channels.to') }),
                  },
                ]}
              >
                <Select mode="tags" tokenSeparators={[',', ';', ' ']} open={false} data-testid="channel-to" />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item
                name="url"
                label={t('channels.url')}
                extra={currentUrl ? t('channels.urlKeep', { url: currentUrl }) : urlHelp}
                rules={editing === 'new' ? [requiredRule(t, t('channels.url'))] : []}
              >
                <Input
                  placeholder={
                    currentUrl ??
                    (kind === 'wecom'
                      ? 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'
                      : kind === 'dingtalk'
                        ? 'https://oapi.dingtalk.com/robot/send?access_token=…'
                        : 'https://')
                  }
                  data-testid="channel-url"
                />
              </Form.Item>
              {kind !== 'webhook' && (
                <Form.Item name="customUrl" valuePropName="checked">
                  <Checkbox data-testid="channel-custom-url">{t('channels.customUrl')}</Checkbox>
                </Form.Item>
              )}
              {kind !== 'wecom' && (
                <Form.Item
                  name="secret"
                  label={t('channels.secret')}
                  extra={
                    hasSecret
                      ? t('channels.secretKeep')
                      : kind === 'dingtalk'
                        ? t('channels.dingtalkSecretHelp')
                        : t('channels.webhookSecretHelp')
                  }
                >
                  <Input.Password autoComplete="new-password" data-testid="channel-secret" />
                </Form.Item>
              )}
            </>
          )}
          {hasSecret && (
            <Form.Item name="clearSecret" valuePropName="checked">
              <Checkbox>{t('channels.clearSecret')}</Checkbox>
            </Form.Item>
          )}
          <Form.Item name="kinds" label={t('channels.forwards')} extra={t('channels.forwardsHelp')}>
            <Select
              mode="tags"
              allowClear
              placeholder={t('channels.forwardsAll')}
              data-testid="channel-kinds"
              options={knownKinds.map((k) => ({ value: k, label: `${kindName(k)} (${k})` }))}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t('channels.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </EditModal>
    </>
  );
}
