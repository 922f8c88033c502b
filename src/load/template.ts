/**
 * Template markers (`{{ … }}` of Helm, Go and Jinja, `{% … %}` of Jinja) are data in many real
 * manifests: Grafana legends in a dashboard ConfigMap, Alertmanager and Argo notification
 * templates, Kyverno variables, ExternalSecret templates. They make a file a template only where
 * YAML structure is: at the start of a line, as a key, or as the first thing of a value. Everywhere
 * else (inside a quoted or block scalar, a comment, or the middle of a plain scalar) they are text.
 *
 * The scan is one pass over the text with no backtracking: input from a pull request must not be
 * able to make it slow (300 KB of `{{ ` once took 52 s with a regular expression).
 */

/** True when the text has a marker at all; the cheap first check. */
export function hasTemplateMarker(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

function isMarkerAt(line: string, i: number): boolean {
  return line.charCodeAt(i) === 0x7b && (line[i + 1] === '{' || line[i + 1] === '%');
}

function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
  return n;
}

/**
 * Offsets (into `text`) of markers that sit where YAML structure is. Empty when every marker is data.
 * Block scalars are followed by indentation; a multi-line quoted scalar keeps its quote open across
 * lines.
 */
export function structuralMarkers(text: string, limit = 1): number[] {
  const found: number[] = [];
  let blockIndent: number | undefined; // inside a block scalar opened on a line with this indent
  let openQuote: '"' | "'" | undefined; // a quoted scalar continues from an earlier line
  let flowDepth = 0; // inside `[ … ]` or `{ … }`, where `,` starts a node
  let lineStart = 0;
  while (lineStart <= text.length && found.length < limit) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const indent = indentOf(line);
    const blank = indent === line.length || line[indent] === '\r';
    if (blockIndent !== undefined && (blank || indent > blockIndent)) {
      lineStart = lineEnd + 1;
      continue;
    }
    blockIndent = undefined;
    scanLine(line, indent, (i) => found.push(lineStart + i));
    lineStart = lineEnd + 1;
  }
  return found;

  function scanLine(line: string, indent: number, structural: (i: number) => void): void {
    let i = indent;
    // True where a YAML node may start: a marker there is structure, a quote there opens a scalar.
    let nodeStart = openQuote === undefined;
    if (openQuote !== undefined) {
      i = skipQuoted(line, i, openQuote);
      if (i < 0) return; // still inside the quoted scalar
      openQuote = undefined;
    }
    for (; i < line.length; i++) {
      const c = line[i] as string;
      if (c === ' ' || c === '\t' || c === '\r') continue;
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return; // comment
      if (isMarkerAt(line, i)) {
        if (nodeStart) {
          structural(i);
          return;
        }
        i++;
        continue;
      }
      if (nodeStart && (c === '"' || c === "'")) {
        const end = skipQuoted(line, i + 1, c);
        if (end < 0) {
          openQuote = c;
          return;
        }
        i = end - 1;
        nodeStart = false;
        continue;
      }
      if (nodeStart && (c === '|' || c === '>') && /^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(i).trimEnd())) {
        blockIndent = indent;
        return;
      }
      if ((c === '-' || c === '?') && (line[i + 1] === ' ' || i + 1 === line.length) && nodeStart) continue;
      if (c === ':' && (line[i + 1] === ' ' || line[i + 1] === '\t' || i + 1 === line.length)) {
        nodeStart = true;
        continue;
      }
      if (nodeStart && (c === '[' || c === '{')) {
        flowDepth++;
        continue;
      }
      if (flowDepth > 0 && c === ',') {
        nodeStart = true;
        continue;
      }
      if (flowDepth > 0 && (c === ']' || c === '}')) {
        flowDepth--;
        continue;
      }
      nodeStart = false;
    }
  }
}

/** Index just past the closing quote, or -1 when the line ends inside the scalar. */
function skipQuoted(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (quote === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && line[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}
