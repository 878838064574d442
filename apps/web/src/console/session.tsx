import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";
import { App as AntApp } from "antd";
import type { Permission, Role } from "@cityloop/domain";
import { isAllowed } from "@cityloop/domain";
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from "./api.ts";
import { useLang } from "./i18n.ts";
import type { CityT, MeT } from "./types.ts";

interface Session {
  me: MeT | null;
  city: CityT | null;
  /** true until the first /auth/me answer */
  checking: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  can(permission: Permission): boolean;
  reloadCity(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeT | null>(null);
  const [city, setCity] = useState<CityT | null>(null);
  const [checking, setChecking] = useState(true);

  const adopt = useCallback((m: MeT | null) => {
    setCsrfToken(m?.csrfToken ?? null);
    setMe(m);
  }, []);

  const reloadCity = useCallback(async () => {
    try {
      setCity(await api.get<CityT>("/city"));
    } catch {
      /* the header falls back to the product name */
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => adopt(null));
    void reloadCity();
    api
      .get<MeT>("/auth/me")
      .then(adopt, () => adopt(null))
      .finally(() => setChecking(false));
    return () => setUnauthorizedHandler(null);
  }, [adopt, reloadCity]);

  const value = useMemo<Session>(
    () => ({
      me,
      city,
      checking,
      async login(username, password) {
        adopt(await api.post<MeT>("/auth/login", { username, password }));
      },
      async logout() {
        try {
          await api.post("/auth/logout");
        } finally {
          adopt(null);
        }
      },
      can(permission) {
        return !!me && isAllowed(permission, me.roles as Role[]);
      },
      reloadCity,
    }),
    [me, city, checking, adopt, reloadCity],
  );
  return (
    <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

/** Text of an error in the current language: the server's message, plus the detail of a validation error. */
export function useErrorText() {
  const { lang, t } = useLang();
  return (err: unknown): string => {
    if (err instanceof ApiError) {
      const p = err.problem;
      const text = p.message
        ? lang === "en"
          ? p.message.en
          : p.message.zh
        : t("errors.generic");
      return p.code === "request.invalid" && p.detail
        ? `${text}：${p.detail}`
        : text;
    }
    return err instanceof Error ? err.message : String(err);
  };
}

/** Shows an error as a toast in the current language. */
export function useShowError() {
  const { message } = AntApp.useApp();
  const text = useErrorText();
  return (err: unknown) => {
    void message.error(text(err));
  };
}
