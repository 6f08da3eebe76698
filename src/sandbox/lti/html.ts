/**
 * The small HTML kit of the LTI test bench pages (tool emulator and platform simulator): one layout, tables,
 * pretty JSON, forms. Every value goes through {@link escapeHtml}; no page loads anything from elsewhere.
 */
import { escapeHtml } from '../../lti/index.js';

/** Escapes text for HTML (content and attribute values). */
export const h = (value: unknown): string =>
  escapeHtml(value === undefined || value === null ? '' : String(value));

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2125}
header{background:#0f47ad;color:#fff;padding:.7rem 1.2rem;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
header h1{font-size:1.15rem;margin:0}header a{color:#dbe6ff}header nav{display:flex;gap:1rem}
main{max-width:1100px;margin:1rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #dfe1e5;border-radius:6px;padding:.8rem 1.1rem;margin-bottom:1rem}
h2{font-size:1.05rem;margin:.2rem 0 .6rem}h3{font-size:.95rem;margin:.8rem 0 .4rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #eceef1}
th{font-weight:600;white-space:nowrap;width:1%}td code,pre{font:12.5px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid #e3e6ea;border-radius:4px;padding:.5rem;overflow:auto;max-height:28rem;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700}.skipped{color:#6e7781}
.badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;font-weight:600;color:#fff}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.warn{background:#9a6700}.badge.skipped{background:#8c959f}
.error{border-left:4px solid #cf222e}.ok{border-left:4px solid #1a7f37}.note{color:#57606a;font-size:.9rem}
form.inline{display:inline-block;margin:.2rem .4rem .2rem 0}label{display:inline-block;margin:.15rem .6rem .15rem 0}
input[type=text],input[type=number],input[type=url],select,textarea{font:inherit;padding:.2rem .35rem;border:1px solid #c9ced4;border-radius:4px}
input[type=text],input[type=url]{min-width:18rem}textarea{width:100%;min-height:4rem}
button{font:inherit;background:#0f47ad;color:#fff;border:0;border-radius:4px;padding:.3rem .8rem;cursor:pointer}
button.secondary{background:#57606a}fieldset{border:1px solid #dfe1e5;border-radius:4px;margin:.4rem 0}
details summary{cursor:pointer;color:#0f47ad}`;

/** A whole page: the header with the bench's name and links, then `body` (already HTML). */
export function page(options: {
  title: string;
  product: string;
  nav?: Array<[string, string]> | undefined;
  body: string;
}): string {
  const nav = (options.nav ?? []).map(([href, text]) => `<a href="${h(href)}">${h(text)}</a>`).join('');
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(options.title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${h(options.product)}</h1><nav>${nav}</nav></header>`,
    `<main>${options.body}</main>`,
    '</body></html>',
  ].join('\n');
}

/** A section with a heading. `id` names it for tests and links. */
export function section(id: string, title: string, body: string, className = ''): string {
  return `<section id="${h(id)}"${className ? ` class="${h(className)}"` : ''}><h2>${h(title)}</h2>${body}</section>`;
}

/** A two-column table of label and value (values are HTML). */
export function rows(entries: Array<[string, string]>): string {
  return `<table>${entries.map(([k, v]) => `<tr><th>${h(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** A table with a header row (cells are HTML). */
export function grid(head: string[], body: string[][], id?: string): string {
  return [
    `<table${id ? ` id="${h(id)}"` : ''}><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>`,
    ...body.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

/** Pretty JSON in a `<pre>`. */
export function json(value: unknown): string {
  return `<pre>${h(JSON.stringify(value, null, 2))}</pre>`;
}

/** Inline code. */
export const code = (value: unknown): string => `<code>${h(value)}</code>`;

/** A status badge. */
export const badge = (status: string, text = status): string =>
  `<span class="badge ${h(status)}">${h(text)}</span>`;
