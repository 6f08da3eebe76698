/** Moodle's REST XML format (the default when `moodlewsrestformat` is not `json`): results and exceptions. */
import type { SandboxException } from './exceptions.js';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function node(value: unknown): string {
  if (value === null || value === undefined) return '<VALUE null="null"/>\n';
  if (Array.isArray(value)) return `<MULTIPLE>\n${value.map(node).join('')}</MULTIPLE>\n`;
  if (typeof value === 'object') {
    const keys = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `<KEY name="${escapeXml(key)}">${node(inner)}</KEY>\n`)
      .join('');
    return `<SINGLE>\n${keys}</SINGLE>\n`;
  }
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return `<VALUE>${escapeXml(text)}</VALUE>\n`;
}

/** A result, or an exception, as Moodle's REST server writes XML. */
export function toXml(payload: unknown, error?: SandboxException): string {
  const head = '<?xml version="1.0" encoding="UTF-8" ?>\n';
  if (error) {
    const body = payload as { message: string; debuginfo?: string };
    const debug = body.debuginfo ? `<DEBUGINFO>${escapeXml(body.debuginfo)}</DEBUGINFO>\n` : '';
    return `${head}<EXCEPTION class="${escapeXml(error.exception)}">\n<ERRORCODE>${escapeXml(error.errorcode)}</ERRORCODE>\n<MESSAGE>${escapeXml(body.message)}</MESSAGE>\n${debug}</EXCEPTION>\n`;
  }
  return `${head}<RESPONSE>\n${payload === null ? '' : node(payload)}</RESPONSE>\n`;
}
