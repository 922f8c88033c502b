// The one sanitizer for text that reaches a terminal or a CI log. Names, paths and values come from
// the input, which a pull request chooses; printed raw they could
//   - drive the terminal (ESC sequences: move the cursor, rewrite earlier lines, set the title);
//   - start a new line (LF, a bare CR, NEL, U+2028) that the reader takes for one of ours;
//   - be read by the GitHub runner as a workflow command. The runner splits its stdout and stderr
//     into lines at LF, CR or CRLF, then honours `::cmd …::` at the start of a line (after
//     leading white space) and the legacy `##[cmd …]` anywhere in a line
//     (actions/runner src/Runner.Common/ActionCommand.cs, TryParseV2 and TryParse).
// So control characters are shown escaped (`\x1b`, `\n`, `\u2028`), `##[` becomes `##\[`, and a line
// that would start with `::` gets a visible `\` in front.

// C0 controls (tab included: it moves the cursor), DEL, C1 controls, the Unicode line and paragraph
// separators, and the bidirectional overrides and isolates that reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters shown escaped; nothing else changes. For a piece of text inside a line. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, escapeControl);
}

/**
 * A piece of input-derived text made safe to print inside a line: control characters escaped and
 * the runner's legacy command opener broken.
 */
export function safeText(s: string): string {
  return escapeControls(s).replace(/##\[/g, '##\\[');
}

/**
 * Whole lines of output made safe: each line sanitized with safeText, and one that would start with
 * `::` (after leading white space) prefixed with `\`. For formats whose only line breaks are ours.
 */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const safe = safeText(line);
      return /^\s*::/.test(safe) ? `\\${safe}` : safe;
    })
    .join('\n');
}

const JSON_RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with the characters JSON.stringify leaves raw but a terminal or viewer may act on (DEL,
 * C1 controls such as CSI, line separators, bidirectional overrides) written as \u escapes: the same
 * data once parsed, harmless when printed.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
