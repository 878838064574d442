import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { Modal, Typography } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { api } from "./api.ts";
import { useShowError } from "./session.tsx";

/** GET a list (or any JSON) and keep it; `reload()` fetches again. */
export function useFetch<T>(
  path: string | null,
  query?: Record<string, string | number | undefined>,
) {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const showError = useShowError();
  const showErrorRef = useRef(showError);
  showErrorRef.current = showError;
  const key = path ? `${path}?${JSON.stringify(query ?? {})}` : null;
  const reload = useCallback(async () => {
    if (!path) return;
    setLoading(true);
    try {
      setData(await api.get<T>(path, query));
    } catch (err) {
      showErrorRef.current(err);
    } finally {
      setLoading(false);
    }
  }, [key]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, loading, reload, setData };
}

export function PageHead({
  title,
  extra,
}: {
  title: string;
  extra?: ReactNode;
}) {
  return (
    <div className="cl-page-head">
      <Typography.Title level={4}>{title}</Typography.Title>
      <div>{extra}</div>
    </div>
  );
}

export function fmtTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hour12: false });
}

/** 片区 (district-level areas) for pickers: id → name. */
export function useDistricts() {
  const { data } = useFetch<{
    features: {
      properties: { id: string; name: string; nameEn: string; code: string };
    }[];
  }>("/areas", {
    level: "district",
    limit: 500,
  });
  return (data?.features ?? []).map((f) => f.properties);
}

/** The form rule "this field is required", with the field's name in the message. */
export function requiredRule(t: TFunction, field: string, whitespace = true) {
  return { required: true, whitespace, message: t("common.required", { field }) };
}

/** The create/edit dialog every admin page uses: save and cancel buttons, a test id on save. */
export function EditModal({
  open,
  title,
  saving,
  onSave,
  onCancel,
  saveTestId,
  children,
}: {
  open: boolean;
  title: ReactNode;
  saving: boolean;
  onSave: () => void;
  onCancel: () => void;
  saveTestId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      onOk={onSave}
      confirmLoading={saving}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      okButtonProps={{ "data-testid": saveTestId }}
      forceRender
    >
      {children}
    </Modal>
  );
}
