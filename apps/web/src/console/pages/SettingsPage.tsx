import { useEffect, useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Radio,
  Space,
  Typography,
} from "antd";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import { PageHead, useFetch } from "../hooks.tsx";
import type { BasemapT, SettingsT } from "../types.ts";

const TIANDITU_KEY = "{tk}";
const presets: { key: string; labelKey: string; basemap: BasemapT }[] = [
  {
    key: "none",
    labelKey: "settings.none",
    basemap: { url: "", crs: "wgs84", attribution: "" },
  },
  {
    key: "osm",
    labelKey: "settings.osm",
    basemap: {
      url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      crs: "wgs84",
      attribution: "© OpenStreetMap contributors",
    },
  },
  {
    // CGCS2000 differs from WGS-84 by centimetres: treated as WGS-84.
    key: "tianditu",
    labelKey: "settings.tianditu",
    basemap: {
      url: `https://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=${TIANDITU_KEY}`,
      crs: "wgs84",
      attribution: "© 天地图 Tianditu",
    },
  },
  {
    key: "amap",
    labelKey: "settings.amap",
    basemap: {
      url: "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
      crs: "gcj02",
      attribution: "© 高德地图 AMap",
    },
  },
];

export default function SettingsPage() {
  const { t } = useLang();
  const { reloadCity } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const { data } = useFetch<SettingsT>("/settings");
  const [form] = Form.useForm<BasemapT & { tk?: string }>();
  const [saving, setSaving] = useState(false);
  const url = Form.useWatch("url", form) ?? "";
  const needsKey = url.includes(TIANDITU_KEY);

  useEffect(() => {
    if (data) form.setFieldsValue(data.basemap);
  }, [data, form]);

  function applyPreset(b: BasemapT) {
    form.setFieldsValue({ ...b });
    void form.validateFields(["url"]).catch(() => undefined);
  }

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    let finalUrl = v.url.trim();
    if (finalUrl.includes(TIANDITU_KEY))
      finalUrl = finalUrl.replace(TIANDITU_KEY, (v.tk ?? "").trim());
    setSaving(true);
    try {
      const res = await api.patch<SettingsT>("/settings", {
        basemap: {
          url: finalUrl,
          crs: v.crs,
          attribution: v.attribution.trim(),
        },
      });
      form.setFieldsValue({ ...res.basemap, tk: undefined });
      void message.success(t("common.saved"));
      void reloadCity();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <PageHead title={t("settings.title")} />
      <Card
        size="small"
        title={t("settings.basemap")}
        style={{ maxWidth: 760 }}
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Typography.Text type="secondary">
            {t("settings.presets")}:
          </Typography.Text>
          {presets.map((p) => (
            <Button
              key={p.key}
              size="small"
              onClick={() => applyPreset(p.basemap)}
              data-testid={`preset-${p.key}`}
            >
              {t(p.labelKey)}
            </Button>
          ))}
        </Space>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ url: "", crs: "wgs84", attribution: "" }}
          onFinish={() => void save()}
        >
          <Form.Item
            name="url"
            label={t("settings.url")}
            extra={t("settings.urlHelp")}
            rules={[
              {
                validator: (_, v: string) =>
                  !v ||
                  (v.includes("{z}") &&
                    v.includes("{x}") &&
                    v.includes("{y}") &&
                    /^https?:\/\//.test(v))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t("settings.urlPlaceholders"))),
              },
            ]}
          >
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 3 }}
              maxLength={500}
              data-testid="settings-url"
            />
          </Form.Item>
          {needsKey ? (
            <Form.Item
              name="tk"
              label={t("settings.tiandituKey")}
              extra={t("settings.needKey")}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t("settings.needKey"),
                },
              ]}
            >
              <Input data-testid="settings-tk" />
            </Form.Item>
          ) : null}
          <Form.Item
            name="crs"
            label={t("settings.crs")}
            extra={t("settings.crsHelp")}
            rules={[{ required: true }]}
          >
            <Radio.Group
              data-testid="settings-crs"
              optionType="button"
              options={[
                { value: "wgs84", label: "WGS-84 / CGCS2000" },
                { value: "gcj02", label: "GCJ-02" },
              ]}
            />
          </Form.Item>
          <Form.Item name="attribution" label={t("settings.attribution")}>
            <Input maxLength={200} data-testid="settings-attribution" />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            loading={saving}
            data-testid="settings-save"
          >
            {t("common.save")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
