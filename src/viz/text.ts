// Text in figures. Plotly reads a little HTML in titles and labels (<br>, <b>, entities), so text from users
// (class names, titles) is escaped before it goes into a figure: "<script>" shows as those characters.

/** Makes user text literal for Plotly (and our renderer): & < > become entities; newlines become <br>. */
export function plotlyText(text: string): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");
}

/** XML / HTML escaping for our own markup (SVG text and attributes, the HTML wrapper). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Plotly text -> plain lines: split at <br>, drop other tags, decode the entities plotlyText wrote. */
export function plainLines(text: string): string[] {
  return text.split(/<br\s*\/?>/i).map((line) =>
    line
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&"));
}

/** A cell value as the book prints it: integers as integers, others with up to 3 significant decimals. */
export function formatCell(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000 || magnitude < 0.001) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Values rounded to 5 significant digits: keeps the notebook JSON small without visible change. */
export function roundForJson(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(5)) : value;
}
