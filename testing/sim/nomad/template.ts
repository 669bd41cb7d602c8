// A documented subset of consul-template, enough for hearth's jobs:
//   {{ range service "name" }} ... {{ else }} ... {{ end }}  healthy instances;
//       inside: .Address .Port .Name .ID .Tags .Node
//   {{ if X }} ... {{ else }} ... {{ end }}  on any expression below
//   {{ env "X" }}  {{ key "k" }}  {{ keyOrDefault "k" "default" }}  {{ service "name" }}
//   {{ .Field }}  {{ . }}  string and number literals
//   {{- and -}} trim the surrounding whitespace; {{/* comments */}} are dropped.
// Anything else (other functions, pipes, variables) fails rendering with a clear message.

export interface ServiceInstance {
  readonly ID: string;
  readonly Name: string;
  readonly Address: string;
  readonly Port: number;
  readonly Tags: readonly string[];
  readonly Node: string;
}

export interface TemplateData {
  healthyService(name: string): ServiceInstance[];
  key(key: string): string | undefined;
  env(name: string): string;
}

export interface RenderResult {
  readonly output: string;
  readonly services: ReadonlySet<string>;
  readonly keys: ReadonlySet<string>;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Expr =
  | { kind: 'dot'; path: string[] }
  | { kind: 'lit'; value: string | number }
  | { kind: 'call'; fn: string; args: Expr[] };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: Expr }
  | { kind: 'range' | 'if'; expr: Expr; body: Node[]; elseBody: Node[] };

interface Token {
  readonly kind: 'text' | 'action';
  readonly text: string;
}

function tokenize(src: string, left: string, right: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    const start = src.indexOf(left, pos);
    if (start === -1) {
      tokens.push({ kind: 'text', text: src.slice(pos) });
      break;
    }
    let text = src.slice(pos, start);
    const end = src.indexOf(right, start + left.length);
    if (end === -1) throw new TemplateError(`unclosed action starting at offset ${start}`);
    let inner = src.slice(start + left.length, end);
    if (inner.startsWith('- ') || inner === '-') {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    let trimRight = false;
    if (inner.endsWith(' -')) {
      trimRight = true;
      inner = inner.slice(0, -1);
    }
    tokens.push({ kind: 'text', text });
    tokens.push({ kind: 'action', text: inner.trim() });
    pos = end + right.length;
    if (trimRight) {
      const m = /^\s*/.exec(src.slice(pos));
      pos += m?.[0].length ?? 0;
    }
  }
  return tokens.filter((t) => !(t.kind === 'text' && t.text === ''));
}

function lexArgs(text: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)/y;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push(m[1] ?? '');
    end = re.lastIndex;
  }
  if (text.slice(end).trim() !== '') throw new TemplateError(`cannot parse ${JSON.stringify(text)}`);
  return out;
}

function parseExpr(text: string): Expr {
  if (text.includes('|')) throw new TemplateError(`pipes are not supported by the simulator: ${JSON.stringify(text)}`);
  if (text.startsWith('$')) throw new TemplateError(`variables are not supported by the simulator: ${JSON.stringify(text)}`);
  const words = lexArgs(text);
  const [head, ...rest] = words;
  if (head === undefined) throw new TemplateError('empty action');
  const atom = (w: string): Expr => {
    if (w.startsWith('"')) return { kind: 'lit', value: JSON.parse(w) as string };
    if (w.startsWith('`')) return { kind: 'lit', value: w.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(w)) return { kind: 'lit', value: Number(w) };
    if (w === '.') return { kind: 'dot', path: [] };
    if (w.startsWith('.')) return { kind: 'dot', path: w.slice(1).split('.') };
    throw new TemplateError(`function ${JSON.stringify(w)} is not supported by the simulator`);
  };
  if (head.startsWith('.') || head.startsWith('"') || head.startsWith('`') || /^-?\d/.test(head)) {
    if (rest.length > 0) throw new TemplateError(`cannot parse ${JSON.stringify(text)}`);
    return atom(head);
  }
  const arity: Record<string, number> = { env: 1, key: 1, keyOrDefault: 2, service: 1 };
  const n = arity[head];
  if (n === undefined) throw new TemplateError(`function ${JSON.stringify(head)} is not supported by the simulator`);
  if (rest.length !== n) throw new TemplateError(`wrong number of args for ${head}: want ${n} got ${rest.length}`);
  return { kind: 'call', fn: head, args: rest.map(atom) };
}

export function parseTemplate(src: string, left = '{{', right = '}}'): Node[] {
  const tokens = tokenize(src, left, right);
  let i = 0;
  const parseList = (stopAt: readonly string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t === undefined) break;
      if (t.kind === 'text') {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const a = t.text;
      if (a.startsWith('/*')) {
        if (!a.endsWith('*/')) throw new TemplateError('unclosed comment');
        continue;
      }
      if (a === 'end' || a === 'else') {
        if (!stopAt.includes(a)) throw new TemplateError(`unexpected {{${a}}}`);
        return { nodes, stop: a };
      }
      const block = /^(range|if)\s+(.+)$/.exec(a);
      if (block !== null) {
        const kind = block[1] as 'range' | 'if';
        const expr = parseExpr(block[2] ?? '');
        const first = parseList(['else', 'end']);
        let elseBody: Node[] = [];
        if (first.stop === 'else') elseBody = parseList(['end']).nodes;
        nodes.push({ kind, expr, body: first.nodes, elseBody });
        continue;
      }
      if (/^(with|define|template|block)\b/.test(a)) throw new TemplateError(`{{${a.split(/\s/)[0]}}} is not supported by the simulator`);
      nodes.push({ kind: 'out', expr: parseExpr(a) });
    }
    if (stopAt.length > 0) throw new TemplateError('unexpected EOF: missing {{end}}');
    return { nodes, stop: '' };
  };
  return parseList([]).nodes;
}

/** Renders a template, collecting the services and keys it read (the inputs to watch). */
export function renderTemplate(src: string, data: TemplateData, delims: { left?: string; right?: string } = {}): RenderResult {
  const nodes = parseTemplate(src, delims.left ?? '{{', delims.right ?? '}}');
  const services = new Set<string>();
  const keys = new Set<string>();
  const evaluate = (e: Expr, dot: unknown): unknown => {
    if (e.kind === 'lit') return e.value;
    if (e.kind === 'dot') {
      let v: unknown = dot;
      for (const p of e.path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return v;
    }
    const args = e.args.map((a) => String(evaluate(a, dot) ?? ''));
    switch (e.fn) {
      case 'env': return data.env(args[0] ?? '');
      case 'key': {
        keys.add(args[0] ?? '');
        return data.key(args[0] ?? '') ?? '';
      }
      case 'keyOrDefault': {
        keys.add(args[0] ?? '');
        return data.key(args[0] ?? '') ?? args[1] ?? '';
      }
      default: {
        services.add(args[0] ?? '');
        return data.healthyService(args[0] ?? '');
      }
    }
  };
  const truthy = (v: unknown): boolean => !(v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0));
  const print = (v: unknown): string => (Array.isArray(v) ? `[${v.map(print).join(' ')}]` : v === undefined || v === null ? '<no value>' : String(v));
  const run = (list: readonly Node[], dot: unknown): string => {
    let out = '';
    for (const n of list) {
      if (n.kind === 'text') out += n.text;
      else if (n.kind === 'out') out += print(evaluate(n.expr, dot));
      else if (n.kind === 'if') out += truthy(evaluate(n.expr, dot)) ? run(n.body, dot) : run(n.elseBody, dot);
      else {
        const v = evaluate(n.expr, dot);
        const items = Array.isArray(v) ? v : [];
        out += items.length === 0 ? run(n.elseBody, dot) : items.map((item) => run(n.body, item)).join('');
      }
    }
    return out;
  };
  return { output: run(nodes, {}), services, keys };
}

/** `KEY=VALUE` lines of an env template (Envvars: true); blank lines and # comments skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) continue;
    let value = trimmed.slice(at + 1);
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1);
    env[trimmed.slice(0, at).trim()] = value;
  }
  return env;
}
