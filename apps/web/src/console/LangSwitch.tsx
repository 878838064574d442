import { Button } from "antd";
import { GlobalOutlined } from "@ant-design/icons";
import { setLang, useLang } from "./i18n.ts";

/** One button: shows the other language and switches to it (中文 ⇄ English). */
export function LangSwitch() {
  const { lang } = useLang();
  const next = lang === "en" ? "zh-CN" : "en";
  return (
    <Button
      size="small"
      icon={<GlobalOutlined />}
      data-testid="lang-switch"
      data-lang={lang}
      lang={next}
      onClick={() => setLang(next)}
    >
      {next === "en" ? "English" : "中文"}
    </Button>
  );
}
