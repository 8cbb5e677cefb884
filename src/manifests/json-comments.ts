/**
 * Blanks out `//` and `/* *\/` comments in JSON text, keeping every other character
 * (and every newline) where it was, so parse errors still point at the right line
 * and column.
 */
export function blankJsonComments(text: string): { text: string; unterminatedCommentAt?: number } {
  const out = text.split('');
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 2;
      else {
        if (c === '"') inString = false;
        i++;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = i;
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { text: out.join(''), unterminatedCommentAt: start };
      for (; i < end + 2; i++) if (text[i] !== '\n' && text[i] !== '\r') out[i] = ' ';
      continue;
    }
    i++;
  }
  return { text: out.join('') };
}
