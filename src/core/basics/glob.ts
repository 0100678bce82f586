/**
 * Redis glob matching (util.c: stringmatchlen): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, and `\`
 * escapes. Used by SENTINEL RESET (case-sensitive) and available case-insensitively.
 */

function matchClass(
  pattern: string,
  p: number,
  ch: string,
  nocase: boolean,
): { matched: boolean; end: number } {
  let i = p + 1;
  const not = pattern[i] === "^";
  if (not) i++;
  let matched = false;
  const c = nocase ? ch.toLowerCase() : ch;
  while (i < pattern.length && pattern[i] !== "]") {
    const cur = pattern[i] ?? "";
    if (cur === "\\" && i + 1 < pattern.length) {
      i++;
      if ((nocase ? (pattern[i] ?? "").toLowerCase() : pattern[i]) === c) matched = true;
    } else if (pattern[i + 1] === "-" && i + 2 < pattern.length && pattern[i + 2] !== "]") {
      let start = cur;
      let end = pattern[i + 2] ?? "";
      if (start > end) [start, end] = [end, start];
      if (nocase) {
        start = start.toLowerCase();
        end = end.toLowerCase();
      }
      if (c >= start && c <= end) matched = true;
      i += 2;
    } else if ((nocase ? cur.toLowerCase() : cur) === c) {
      matched = true;
    }
    i++;
  }
  // An unterminated class ends at the pattern's end, as in Redis.
  return { matched: not ? !matched : matched, end: Math.min(i, pattern.length - 1) };
}

function matchFrom(pattern: string, p: number, text: string, s: number, nocase: boolean): boolean {
  while (p < pattern.length) {
    const pc = pattern[p] ?? "";
    if (pc === "*") {
      while (pattern[p + 1] === "*") p++;
      if (p + 1 === pattern.length) return true;
      for (let k = s; k <= text.length; k++) {
        if (matchFrom(pattern, p + 1, text, k, nocase)) return true;
      }
      return false;
    }
    if (s >= text.length) return false;
    const ch = text[s] ?? "";
    if (pc === "?") {
      // any single character
    } else if (pc === "[") {
      const result = matchClass(pattern, p, ch, nocase);
      if (!result.matched) return false;
      p = result.end;
    } else {
      let lit = pc;
      if (pc === "\\" && p + 1 < pattern.length) {
        p++;
        lit = pattern[p] ?? "";
      }
      if (nocase ? lit.toLowerCase() !== ch.toLowerCase() : lit !== ch) return false;
    }
    p++;
    s++;
  }
  return s === text.length;
}

export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return matchFrom(pattern, 0, text, 0, nocase);
}
