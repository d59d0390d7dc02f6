// Escaping for the course site: every piece of lesson text or output goes through this before it is HTML.
// One escaper for the library's figures and the site: & < > " ' become entities.
export { escapeXml as escapeHtml } from "../../src/viz/text.js";
