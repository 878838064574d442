import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { Typography } from "antd";
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
