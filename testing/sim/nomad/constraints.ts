// Node attributes and constraint checks as Nomad's feasibility checker does them.
import type { Constraint } from '../../../agent/nomad/types.js';
import type { SimNode } from './model.js';

/** Resolves `${attr.x}`, `${node.x}`, `${meta.x}`; undefined when the node lacks it. Literals pass through. */
export function resolveTarget(target: string, node: SimNode): string | undefined {
  const m = /^\$\{(.+)\}$/.exec(target.trim());
  if (m === null) return target;
  return lookupNodeVar(m[1] ?? '', node);
}

export function lookupNodeVar(name: string, node: SimNode): string | undefined {
  if (name.startsWith('attr.')) return node.Attributes[name.slice(5)];
  if (name.startsWith('meta.')) return node.Meta[name.slice(5)];
  switch (name) {
    case 'node.unique.id': return node.ID;
    case 'node.unique.name': return node.Name;
    case 'node.datacenter': return node.Datacenter;
    case 'node.class': return node.NodeClass;
    case 'node.pool': return 'default';
    case 'node.region': return 'global';
    default: return undefined;
  }
}

/** Evaluates one constraint against a node (distinct_hosts/distinct_property are handled by the scheduler). */
export function checkConstraint(c: Constraint, node: SimNode): boolean {
  const operand = c.Operand || '=';
  if (operand === 'distinct_hosts' || operand === 'distinct_property') return true;
  const l = resolveTarget(c.LTarget ?? '', node);
  const rRaw = c.RTarget ?? '';
  const r = resolveTarget(rRaw, node);
  switch (operand) {
    case 'is_set': return l !== undefined;
    case 'is_not_set': return l === undefined;
    case '=': case '==': case 'is': return l !== undefined && l === r;
    case '!=': case 'not': return l !== r;
    case '<': case '<=': case '>': case '>=': return l !== undefined && r !== undefined && compare(l, r, operand);
    case 'regexp': {
      if (l === undefined || r === undefined) return false;
      try {
        return new RegExp(r).test(l);
      } catch {
        return false;
      }
    }
    case 'set_contains': case 'set_contains_all': {
      if (l === undefined || r === undefined) return false;
      const have = new Set(l.split(',').map((s) => s.trim()));
      return r.split(',').map((s) => s.trim()).every((x) => have.has(x));
    }
    case 'set_contains_any': {
      if (l === undefined || r === undefined) return false;
      const have = new Set(l.split(',').map((s) => s.trim()));
      return r.split(',').map((s) => s.trim()).some((x) => have.has(x));
    }
    case 'version': case 'semver': return l !== undefined && r !== undefined && checkVersion(l, r);
    default: return false;
  }
}

function compare(l: string, r: string, op: string): boolean {
  const ln = Number(l);
  const rn = Number(r);
  const numeric = l.trim() !== '' && r.trim() !== '' && Number.isFinite(ln) && Number.isFinite(rn);
  const cmp = numeric ? ln - rn : l < r ? -1 : l > r ? 1 : 0;
  if (op === '<') return cmp < 0;
  if (op === '<=') return cmp <= 0;
  if (op === '>') return cmp > 0;
  return cmp >= 0;
}

function checkVersion(version: string, spec: string): boolean {
  const parse = (v: string): number[] => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const have = parse(version);
  return spec.split(',').every((part) => {
    const m = /^\s*(>=|<=|!=|>|<|=|~>)?\s*(\S+)\s*$/.exec(part);
    if (m === null) return false;
    const want = parse(m[2] ?? '');
    let cmp = 0;
    for (let i = 0; i < 3 && cmp === 0; i += 1) cmp = (have[i] ?? 0) - (want[i] ?? 0);
    switch (m[1] ?? '=') {
      case '>=': return cmp >= 0;
      case '<=': return cmp <= 0;
      case '>': return cmp > 0;
      case '<': return cmp < 0;
      case '!=': return cmp !== 0;
      case '~>': return cmp >= 0 && (have[0] ?? 0) === (want[0] ?? 0);
      default: return cmp === 0;
    }
  });
}

/** How Nomad names a failed constraint in AllocMetric.ConstraintFiltered. */
export function describeConstraint(c: Constraint): string {
  return `${c.LTarget ?? ''} ${c.Operand} ${c.RTarget ?? ''}`.trim();
}

/** Datacenter globbing ("dc*", "*"). */
export function matchesDatacenter(patterns: readonly string[], dc: string): boolean {
  return patterns.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(dc));
}
