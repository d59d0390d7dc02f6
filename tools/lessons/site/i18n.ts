// The course site's own words in each edition: the English site (out/site/) and the Chinese one (out/site/zh/),
// built from lessons/ and lessons/zh/. Terms follow 《动手学深度学习》 (d2l-zh), as the Chinese lessons do.
// The copy button and the search panel say theirs in assets/site.js, which reads <html lang>.

import type { LessonLang } from "../parse.js";

export type SiteLang = LessonLang;

export interface SiteStrings {
  /** <html lang>: BCP 47. */
  htmlLang: string;
  brand: string;
  skipLink: string;
  search: string;
  lessonsNav: string;
  onThisPage: string;
  /** "Lesson 6" / "第 6 课" */
  lessonNumber(n: number): string;
  minutesRead(n: number): string;
  downloadNotebook: string;
  runInBrowser: string;
  editLesson: string;
  previous: string;
  next: string;
  pagerLabel: string;
  solution: string;
  checks: string;
  output: string;
  expectedToThrow(errorName: string, patternHtml: string): string;
  status: Record<string, string>;
  indexTitle: string;
  indexIntro: string;
  cellsRan(n: number): string;
  cellsFailed(failed: number, total: number): string;
  /** The other edition's name, in its own language (the switch's text). */
  otherLanguage: string;
  otherLanguageLabel: string;
  glossary: string;
}

export const STRINGS: Record<SiteLang, SiteStrings> = {
  en: {
    htmlLang: "en",
    brand: "convlab <span>course</span>",
    skipLink: "Skip to the lesson",
    search: "Search the lessons",
    lessonsNav: "Lessons",
    onThisPage: "On this page",
    lessonNumber: (n) => `Lesson ${n}`,
    minutesRead: (n) => `${n} min read`,
    downloadNotebook: "Download the notebook",
    runInBrowser: "Run in the browser",
    editLesson: "Edit this lesson",
    previous: "Previous",
    next: "Next",
    pagerLabel: "Previous and next lesson",
    solution: "Solution",
    checks: "Checks",
    output: "Output",
    expectedToThrow: (errorName, pattern) => `expected to throw ${errorName} matching <code>${pattern}</code>`,
    status: { error: "failed", timeout: "timed out", crashed: "crashed", skipped: "not run (skip)", "not-run": "not run" },
    indexTitle: "convlab lessons",
    indexIntro: `Convolutional networks in TypeScript, lesson by lesson, following chapter 7 of <a href="https://d2l.ai/">Dive into
Deep Learning</a> (chapter 6 of <span lang="zh-CN">《动手学深度学习》</span>). Each page shows the lesson as it ran;
download its notebook, or open the notebooks in Jupyter (<code>npm run lab</code>), to change and rerun it.`,
    cellsRan: (n) => `${n} code cells ran`,
    cellsFailed: (failed, total) => `${failed} of ${total} code cells did not run cleanly`,
    otherLanguage: "中文",
    otherLanguageLabel: "本页的中文版",
    glossary: "Glossary",
  },
  zh: {
    htmlLang: "zh-CN",
    brand: "convlab <span>课程</span>",
    skipLink: "跳到课程内容",
    search: "搜索课程",
    lessonsNav: "课程",
    onThisPage: "本页内容",
    lessonNumber: (n) => `第 ${n} 课`,
    minutesRead: (n) => `阅读约 ${n} 分钟`,
    downloadNotebook: "下载 Jupyter 笔记本",
    runInBrowser: "在浏览器中运行",
    editLesson: "编辑本课",
    previous: "上一课",
    next: "下一课",
    pagerLabel: "上一课和下一课",
    solution: "参考答案",
    checks: "检查",
    output: "输出",
    expectedToThrow: (errorName, pattern) => `预期抛出 ${errorName}，错误消息匹配 <code>${pattern}</code>`,
    status: { error: "运行失败", timeout: "超时", crashed: "崩溃", skipped: "未运行（skip）", "not-run": "未运行" },
    indexTitle: "convlab 课程",
    indexIntro: `用 TypeScript 一课一课地学习卷积神经网络，内容对应<a href="https://zh.d2l.ai/">《动手学深度学习》</a>第二版第 6 章
（英文版 <a href="https://d2l.ai/" lang="en">Dive into Deep Learning</a> 第 7 章）。每一页展示课程运行的结果；
下载它的 Jupyter 笔记本，或者在 Jupyter 中打开（<code>npm run lab</code>），即可修改并重新运行。`,
    cellsRan: (n) => `${n} 个代码单元已运行`,
    cellsFailed: (failed, total) => `${total} 个代码单元中有 ${failed} 个未能正常运行`,
    otherLanguage: "English",
    otherLanguageLabel: "This page in English",
    glossary: "术语表",
  },
};

/** Han characters a Chinese reader reads per minute (a common estimate for technical text). */
export const CJK_CHARACTERS_PER_MINUTE = 300;
