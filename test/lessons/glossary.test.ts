// The Chinese edition's glossary (lessons/zh/glossary.md) and its variants rule (ZH-SPEC.md, tools/lessons/glossary.ts):
// unit tests on fixture lessons, the glossary's own contents, then the rule over every lesson of lessons/zh/.

import { describe, expect, it } from "vitest";
import { repoRoot } from "../../tools/lessons/files.js";
import { glossaryProblems, glossaryReport, loadGlossary, parseGlossary } from "../../tools/lessons/glossary.js";

const GLOSSARY = [
  "# 术语表",
  "",
  "| 中文 | English | convlab / PyTorch | 其他译名 |",
  "| --- | --- | --- | --- |",
  "| 卷积核 | kernel | `weight` | ~~核函数~~ |",
  "| 汇聚层 | pooling layer | `nn.MaxPool2d` | 池化层、池化 |",
  "| 特征映射 | feature map | | 特征图 |",
  "| 扩张卷积、空洞卷积 | dilation | `dilation` | |",
].join("\n");
const terms = parseGlossary(GLOSSARY);
const FILE = "lessons/zh/08-pooling.md";
const check = (lines: string[]) => glossaryProblems(FILE, lines.join("\n"), terms);

describe("the variants rule on fixture lessons", () => {
  it("reads the glossary table: preferred names, variants, struck-through names", () => {
    expect(terms.map((term) => [term.preferred, term.variants, term.banned])).toEqual([
      [["卷积核"], [], ["核函数"]],
      [["汇聚层"], ["池化层", "池化"], []],
      [["特征映射"], ["特征图"], []],
      [["扩张卷积", "空洞卷积"], [], []],
    ]);
  });

  it("preferred terms, and a variant in the sentence that says they are the same, pass", () => {
    expect(check([
      "# 汇聚层",
      "汇聚层（pooling layer，也常译作池化层）降低特征映射（feature map，也叫特征图）的分辨率。",
      "最大汇聚层取窗口中的最大值；扩张卷积也叫空洞卷积。",
    ])).toEqual([]);
  });

  it("a variant on a line without the preferred term fails, naming lesson:line and the term", () => {
    expect(check(["# 汇聚层", "", "接下来用池化层缩小输出。"])).toEqual([
      `${FILE}:3: "池化层" for pooling layer: use the glossary's term 汇聚层; the other name may appear only in the sentence that says they are the same (on a line with 汇聚层)`,
      `${FILE}:3: "池化" for pooling layer: use the glossary's term 汇聚层; the other name may appear only in the sentence that says they are the same (on a line with 汇聚层)`,
    ]);
    expect(check(["每个通道得到一个特征图。"])).toHaveLength(1);
    // In a code comment too: comments are prose the learner reads.
    expect(check(["```ts", "const Y = pool(X); // 池化", "```"])[0]).toMatch(/^lessons\/zh\/08-pooling\.md:2: "池化"/);
  });

  it("a struck-through name fails anywhere but in a 常见误区 box and the zh-only cell after it", () => {
    expect(check(["卷积核（kernel），不要叫核函数。"])).toEqual([
      `${FILE}:1: "核函数" is not used for kernel (say 卷积核); it may appear only in the 常见误区 box that corrects it`,
    ]);
    const box = [
      "> **常见误区**：笔记里把卷积核叫作“核函数”。",
      "> 核函数指的是核方法（如支持向量机）中的函数，池化也不是它。",
      "",
      "```ts",
      "//| zh-only",
      "// 卷积核就是权重，不是核函数",
      "check(conv.weight.shape).equals([1, 1, 2, 2]);",
      "```",
      "",
      "之后的正文里再出现核函数就不对了。",
      "",
      "```ts",
      "// 核函数",
      "```",
    ];
    expect(check(box).map((problem) => problem.split(": ")[0])).toEqual([`${FILE}:10`, `${FILE}:13`]);
  });

  it("a box that is not followed by a zh-only cell does not cover the next cell", () => {
    const lines = ["> **常见误区**：核函数。", "", "```ts", "//| checks", "// 核函数", "check(1).equals(1);", "```"];
    expect(check(lines).map((problem) => problem.split(": ")[0])).toEqual([`${FILE}:5`]);
  });
});

describe("lessons/zh/glossary.md", () => {
  const root = repoRoot();
  const glossary = loadGlossary(root);

  it("lists every term of ZH-SPEC.md with its English and its other names", () => {
    const preferred = glossary.flatMap((term) => term.preferred);
    for (const term of [
      "互相关运算", "卷积", "卷积核", "填充", "步幅", "通道", "输入通道", "输出通道", "汇聚层", "最大汇聚层", "平均汇聚层",
      "感受野", "特征映射", "平移不变性", "局部性", "全连接层", "多层感知机", "权重", "偏置", "学习率", "批量", "批量大小",
      "迭代周期", "扩张卷积", "空洞卷积", "分组卷积", "边缘检测", "1×1 卷积层", "张量", "梯度", "损失", "优化器", "准确率",
      "激活函数", "下采样",
    ]) expect(preferred, term).toContain(term);
    expect(glossary.every((term) => term.english !== "")).toBe(true);
    const byName = new Map(glossary.flatMap((term) => term.preferred.map((name) => [name, term] as const)));
    expect(byName.get("汇聚层")!.variants).toContain("池化");
    expect(byName.get("特征映射")!.variants).toContain("特征图");
    expect(byName.get("卷积核")!.banned).toEqual(["核函数"]);
    expect(byName.get("迭代周期")!.english).toContain("epoch");
  });

  it("no variant is itself a preferred term (the rule would contradict itself)", () => {
    const preferred = new Set(glossary.flatMap((term) => term.preferred));
    expect(glossary.flatMap((term) => [...term.variants, ...term.banned]).filter((name) => preferred.has(name))).toEqual([]);
  });
});

describe("this course's Chinese lessons", () => {
  it("use the glossary's terms (a variant only beside its preferred term; 核函数 only in a 常见误区 box)", () => {
    const problems = glossaryReport(repoRoot());
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
