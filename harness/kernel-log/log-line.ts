/**
 * One line of kernel log, however it reached the host: a console line (`[   12.345678] text`,
 * maybe with a caller id `[T123]`), a /dev/kmsg record (`6,123,456789,-;text`, non-printable bytes
 * escaped as \xNN), a syslog line (`<4>text`) or bare text. Garbage a serial line picks up (control
 * bytes, ANSI escapes, replacement characters, junk in front of the timestamp) is dropped.
 */

export interface LogLine {
  /** the message, prefixes removed; indentation kept (call-trace frames are indented) */
  text: string;
  /** seconds since boot, when the line carried a timestamp */
  timestamp?: number;
  /** the line carried a kernel timestamp or kmsg prefix (a line without one, among stamped ones, is foreign) */
  stamped: boolean;
}

const KMSG_PREFIX = /^(\d+),(\d+),(\d+),[^;]*;/;
const SYSLOG_PREFIX = /^<\d+>/;
/** `[   12.345678]`, searched near the start of the line (junk may precede it) */
const TIMESTAMP = /\[\s*(\d+\.\d+)\]/;
const TIMESTAMP_SEARCH_CHARS = 48;
const CALLER_ID = /^\[\s*[TC]\d+\]/;
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;
// every control character but tab, and the replacement character of undecodable bytes
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\ufffd]/g;

/** The text without control bytes, ANSI escapes and replacement characters (tabs kept). */
export function clean(raw: string): string {
  return raw.replace(ANSI_ESCAPE, '').replace(CONTROL, '');
}

/** kmsg escapes non-printable bytes (a tab is \x09) */
function unescapeKmsg(text: string): string {
  return text.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function normalizeLogLine(raw: string): LogLine {
  const line = clean(raw);
  const kmsg = KMSG_PREFIX.exec(line);
  if (kmsg) {
    return { text: clean(unescapeKmsg(line.slice(kmsg[0].length))), timestamp: Number(kmsg[3]) / 1e6, stamped: true };
  }
  const unprefixed = line.replace(SYSLOG_PREFIX, '');
  const stamp = TIMESTAMP.exec(unprefixed.slice(0, TIMESTAMP_SEARCH_CHARS));
  if (!stamp) return { text: unprefixed, stamped: false };
  // the kernel writes "] " after the timestamp (and after a caller id); what follows is the message
  let text = unprefixed.slice(stamp.index + stamp[0].length).replace(CALLER_ID, '');
  if (text.startsWith(' ')) text = text.slice(1);
  return { text, timestamp: Number(stamp[1]), stamped: true };
}

/** The line as the kernel's console shows it: `[   12.345678] text`. */
export function formatLogLine(line: LogLine): string {
  return line.timestamp === undefined ? line.text : `[${line.timestamp.toFixed(6).padStart(12)}] ${line.text}`;
}
