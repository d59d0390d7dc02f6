// Which section of Dive into Deep Learning each lesson follows, in both editions: the English d2l.ai numbers
// the convolutional chapter 7 (chapter 6 there is the "Builders' Guide"), the Chinese 2nd edition
// 《动手学深度学习》 numbers it 6. Both editions name their pages alike, so one page name serves both sites.

export interface D2lSection {
  /** d2l.ai (English) section number. */
  en: string;
  /** 《动手学深度学习》 2nd edition section number. */
  zh: string;
  titleEn: string;
  titleZh: string;
  /** Page name in chapter_convolutional-neural-networks/ on both sites. */
  page: string;
}

const SECTIONS = {
  why: { en: "7.1", zh: "6.1", titleEn: "From Fully Connected Layers to Convolutions", titleZh: "从全连接层到卷积", page: "why-conv" },
  conv: { en: "7.2", zh: "6.2", titleEn: "Convolutions for Images", titleZh: "图像卷积", page: "conv-layer" },
  padding: { en: "7.3", zh: "6.3", titleEn: "Padding and Stride", titleZh: "填充和步幅", page: "padding-and-strides" },
  channels: { en: "7.4", zh: "6.4", titleEn: "Multiple Input and Multiple Output Channels", titleZh: "多输入多输出通道", page: "channels" },
  pooling: { en: "7.5", zh: "6.5", titleEn: "Pooling", titleZh: "汇聚层", page: "pooling" },
  lenet: { en: "7.6", zh: "6.6", titleEn: "Convolutional Neural Networks (LeNet)", titleZh: "卷积神经网络（LeNet）", page: "lenet" },
} satisfies Record<string, D2lSection>;

/** Lesson number (the file name's two digits) → the d2l section it follows. */
const LESSON_SECTIONS: Record<string, D2lSection> = {
  "01": SECTIONS.why,
  "02": SECTIONS.conv,
  "03": SECTIONS.conv,
  "04": SECTIONS.conv,
  "05": SECTIONS.conv,
  "06": SECTIONS.padding,
  "07": SECTIONS.channels,
  "08": SECTIONS.pooling,
  "09": SECTIONS.lenet,
};

export function d2lSectionOf(slug: string): D2lSection | undefined {
  return LESSON_SECTIONS[slug.slice(0, 2)];
}

export function d2lLinks(section: D2lSection): { en: string; zh: string } {
  return {
    en: `https://d2l.ai/chapter_convolutional-neural-networks/${section.page}.html`,
    zh: `https://zh.d2l.ai/chapter_convolutional-neural-networks/${section.page}.html`,
  };
}
