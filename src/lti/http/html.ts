/** HTML for the tool's and the platform's pages: escaping, and the auto-submitting form of an LTI form_post. */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An HTML page with a form that posts `fields` to `action` as soon as it loads (with a button for browsers
 * without JavaScript). Everything is escaped.
 */
export function autoSubmitForm(action: string, fields: Record<string, string>, title = 'Continue'): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>',
    escapeHtml(title),
    '</title></head><body>',
    `<form id="lti-auto-submit" method="post" action="${escapeHtml(action)}">`,
    inputs,
    `<noscript><button type="submit">${escapeHtml(title)}</button></noscript>`,
    '</form>',
    '<script>document.getElementById("lti-auto-submit").submit();</script>',
    '</body></html>',
  ].join('\n');
}
