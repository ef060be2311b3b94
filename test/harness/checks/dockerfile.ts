/**
 * Just enough of a Dockerfile reader to know what the final image's config holds (ENV, LABEL,
 * ENTRYPOINT), which is what CAT's S19/S20 inspect on a built image. Handles line
 * continuations, comments, exec and shell forms, `$VAR`/`${VAR}`/`${VAR:-default}`, and stages
 * built `FROM` an earlier stage. Settings inherited from an external base image are unknowable
 * here, so they count as absent.
 */

export interface ImageConfig {
  env: Record<string, string>;
  labels: Record<string, string>;
  entrypoint?: string[];
}

export function dockerImageConfig(dockerfileText: string): ImageConfig {
  const stages = new Map<string, ImageConfig>();
  let current: ImageConfig = { env: {}, labels: {} };
  let args: Record<string, string> = {};
  for (const line of logicalLines(dockerfileText)) {
    const m = /^(\w+)\s*(.*)$/s.exec(line);
    if (!m) continue;
    const [, instruction, rest] = m;
    switch (instruction.toUpperCase()) {
      case 'FROM': {
        const [image, as, alias] = rest.trim().split(/\s+/);
        const parent = stages.get(image.toLowerCase());
        current = parent ? { env: { ...parent.env }, labels: { ...parent.labels }, entrypoint: parent.entrypoint } : { env: {}, labels: {} };
        args = {};
        if (as?.toUpperCase() === 'AS' && alias) stages.set(alias.toLowerCase(), current);
        break;
      }
      case 'ARG':
        for (const { key, value } of pairs(rest, { ...args, ...current.env })) args[key] = value ?? args[key] ?? '';
        break;
      case 'ENV':
        for (const { key, value } of pairs(rest, { ...args, ...current.env })) current.env[key] = value ?? '';
        break;
      case 'LABEL':
        for (const { key, value } of pairs(rest, { ...args, ...current.env })) current.labels[key] = value ?? '';
        break;
      case 'ENTRYPOINT':
        current.entrypoint = entrypointOf(rest.trim());
        break;
      default:
        break;
    }
  }
  return current;
}

/** Instructions with continuations joined and comment lines dropped (also inside continuations). */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue;
    if (/\\\s*$/.test(raw)) {
      pending += raw.replace(/\\\s*$/, ' ');
      continue;
    }
    const line = (pending + raw).trim();
    pending = '';
    if (line) out.push(line);
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

/** Exec form `["a","b"]` is used as is; shell form runs under `/bin/sh -c`, as Docker does. */
function entrypointOf(rest: string): string[] {
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed;
    } catch {
      // Docker falls back to shell form when the JSON is invalid.
    }
  }
  return ['/bin/sh', '-c', rest];
}

/** `k=v k2="v 2"`, or the legacy one-pair form `KEY some value` (ENV/LABEL); ARG allows `NAME` alone. */
function pairs(rest: string, vars: Record<string, string>): { key: string; value?: string }[] {
  const words = splitWords(rest, vars);
  if (words.length > 0 && !words[0].includes('=')) {
    const legacy = /^(\S+)\s+(.*)$/s.exec(rest.trim());
    if (!legacy) return [{ key: words[0] }];
    return [{ key: legacy[1], value: splitWords(legacy[2], vars).join(' ') }];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    return { key: w.slice(0, i), value: w.slice(i + 1) };
  });
}

/** Shell-like words: quotes removed, backslash escapes honoured, variables expanded outside '…'. */
function splitWords(text: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'" && c !== "'") {
      word += c;
    } else if (c === '\\' && i + 1 < text.length && quote !== "'") {
      word += text[++i];
      inWord = true;
    } else if (c === '"' || c === "'") {
      if (quote === null) quote = c;
      else if (quote === c) quote = null;
      else word += c; // the other quote character is literal inside quotes
      inWord = true;
    } else if (c === '$' && quote !== "'") {
      const m = /^\$(?:\{(\w+)(?::-([^}]*))?\}|(\w+))/.exec(text.slice(i));
      if (!m) {
        word += c;
      } else {
        const name = m[1] ?? m[3];
        word += vars[name] ?? m[2] ?? '';
        i += m[0].length - 1;
      }
      inWord = true;
    } else if (/\s/.test(c) && quote === null) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
