import { createRequire } from 'node:module';

/**
 * Chinese word segmentation for the classifiers (jieba, via `@node-rs/jieba`).
 * The dictionary takes a moment to load, so it is loaded once, on first use.
 */
type JiebaT = { cut(text: string, hmm?: boolean): string[] };
let jieba: JiebaT | null = null;

function segmenter(): JiebaT {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaT } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/**
 * Function words, and the courtesies and filler of complaint letters (您好、反映、
 * 尽快处理…): they appear in every category, so they carry no signal, and a text made
 * only of them must count as "no signal" rather than as a weak vote for some category.
 */
const stopwords = new Set(
  `的 了 在 是 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没 看 好 自己 这 那 这个 那个 这里 那里 这边 那边
  啊 吧 呢 吗 嘛 呀 哦 哈 啦 么 之 与 及 或 等 被 把 让 给 从 对 向 为 为了 由 于 以 而 并 且 还 又 再 已 已经 才 只 但 但是 可是 如果 因为 所以
  他 她 它 我们 你们 他们 她们 大家 您 本人 咱们 我家 里 中 内 外 前 后 时 时候 现在 目前 今天 昨天 每天 一直 经常 总是 非常 特别 十分 太 真 真的 实在
  您好 你好 请 请问 麻烦 谢谢 感谢 希望 尽快 赶紧 马上 处理 解决 反映 投诉 举报 问题 情况 市民 群众 居民 有关 有关部门 相关 相关部门 部门 政府 领导
  我要 我想 想 要求 一下 一些 有些 多次 很多 好多 几次 怎么 怎么办 什么 为什么 能否 能不能 可以 是否 没有 存在 出现 发现 导致 造成 严重 影响 附近 位置 地方 这条 那条`
    .split(/\s+/)
    .filter(Boolean),
);

const meaningful = /[\p{L}\p{N}]/u;
const number = /^[\p{N}.,%]+$/u;

/** Segments a text into the tokens the classifiers see: no punctuation, numbers or stopwords. */
export function tokenize(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase().trim();
  if (!normal) return [];
  return segmenter()
    .cut(normal, true)
    .map((t) => t.trim())
    .filter((t) => t && meaningful.test(t) && !number.test(t) && !stopwords.has(t));
}
