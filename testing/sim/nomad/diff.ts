// Job diffs for `/v1/job/:id/plan` with `Diff: true`, shaped like Nomad's
// structs.JobDiff: Type None/Added/Deleted/Edited on the job, its fields,
// nested objects, task groups and tasks. Only changed fields are listed
// (Nomad's non-contextual diff).
import type { FieldDiff, Job, JobDiff, ObjectDiff } from '../../../agent/nomad/types.js';

type DiffType = FieldDiff['Type'];

/** Fields the server sets; never part of a diff or of "did the spec change". */
export const SERVER_FIELDS = new Set(['Status', 'StatusDescription', 'Stable', 'Version', 'SubmitTime', 'CreateIndex', 'ModifyIndex', 'JobModifyIndex']);

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function isPlain(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

function typeOf(old: unknown, next: unknown): DiffType {
  const o = old === undefined || old === null;
  const n = next === undefined || next === null;
  if (o && n) return 'None';
  if (o) return 'Added';
  if (n) return 'Deleted';
  return 'Edited';
}

function diffFields(old: Record<string, unknown>, next: Record<string, unknown>, skip: ReadonlySet<string>): { fields: FieldDiff[]; objects: ObjectDiff[] } {
  const fields: FieldDiff[] = [];
  const objects: ObjectDiff[] = [];
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  for (const k of keys) {
    if (skip.has(k)) continue;
    const a = old[k];
    const b = next[k];
    if (isPlain(a) && isPlain(b)) {
      if (text(a) !== text(b)) fields.push({ Type: typeOf(a === '' ? undefined : a, b === '' ? undefined : b) === 'None' ? 'Edited' : typeOf(a === '' ? undefined : a, b === '' ? undefined : b), Name: k, Old: text(a), New: text(b), Annotations: null });
      continue;
    }
    const od = diffObject(k, a, b);
    if (od !== undefined) objects.push(od);
  }
  return { fields, objects };
}

/** Diff of two values under one name; undefined when equal. */
export function diffObject(name: string, a: unknown, b: unknown): ObjectDiff | undefined {
  if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) return undefined;
  const type = typeOf(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    const left = Array.isArray(a) ? a : [];
    const right = Array.isArray(b) ? b : [];
    if ([...left, ...right].every(isPlain)) {
      const fields: FieldDiff[] = [];
      for (const v of left) if (!right.some((r) => text(r) === text(v))) fields.push({ Type: 'Deleted', Name: name, Old: text(v), New: '', Annotations: null });
      for (const v of right) if (!left.some((l) => text(l) === text(v))) fields.push({ Type: 'Added', Name: name, Old: '', New: text(v), Annotations: null });
      return { Type: type, Name: name, Fields: fields.length === 0 ? null : fields, Objects: null };
    }
    const objects: ObjectDiff[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
      const d = diffObject(name, left[i], right[i]);
      if (d !== undefined) objects.push(d);
    }
    return { Type: type, Name: name, Fields: null, Objects: objects.length === 0 ? null : objects };
  }
  const { fields, objects } = diffFields((a ?? {}) as Record<string, unknown>, (b ?? {}) as Record<string, unknown>, new Set());
  return { Type: type, Name: name, Fields: fields.length === 0 ? null : fields, Objects: objects.length === 0 ? null : objects };
}

export function diffJobs(old: Job | undefined, next: Job, updates: Record<string, Record<string, number>>): JobDiff {
  const skip = new Set([...SERVER_FIELDS, 'TaskGroups']);
  const { fields, objects } = diffFields((old ?? {}) as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>, skip);
  const groups = new Map<string, { a?: Record<string, unknown>; b?: Record<string, unknown> }>();
  for (const g of old?.TaskGroups ?? []) groups.set(g.Name, { a: g as unknown as Record<string, unknown> });
  for (const g of next.TaskGroups) groups.set(g.Name, { ...(groups.get(g.Name) ?? {}), b: g as unknown as Record<string, unknown> });
  const taskGroups: NonNullable<JobDiff['TaskGroups']> = [];
  let anyChange = fields.length > 0 || objects.length > 0;
  for (const [name, { a, b }] of groups) {
    const gd = diffFields(a ?? {}, b ?? {}, new Set(['Tasks']));
    const tasks: Array<Record<string, unknown>> = [];
    const aTasks = new Map(((a?.Tasks ?? []) as Array<Record<string, unknown>>).map((t) => [String(t.Name), t]));
    const bTasks = new Map(((b?.Tasks ?? []) as Array<Record<string, unknown>>).map((t) => [String(t.Name), t]));
    let groupChanged = gd.fields.length > 0 || gd.objects.length > 0;
    for (const tname of new Set([...aTasks.keys(), ...bTasks.keys()])) {
      const ta = aTasks.get(tname);
      const tb = bTasks.get(tname);
      const td = diffFields(ta ?? {}, tb ?? {}, new Set());
      const changed = td.fields.length > 0 || td.objects.length > 0 || ta === undefined || tb === undefined;
      groupChanged ||= changed;
      tasks.push({ Type: changed ? typeOf(ta, tb) : 'None', Name: tname, Fields: td.fields.length === 0 ? null : td.fields, Objects: td.objects.length === 0 ? null : td.objects, Annotations: null });
    }
    anyChange ||= groupChanged;
    taskGroups.push({
      Type: groupChanged || a === undefined || b === undefined ? typeOf(a, b) : 'None',
      Name: name,
      Fields: gd.fields.length === 0 ? null : gd.fields,
      Objects: gd.objects.length === 0 ? null : gd.objects,
      Tasks: tasks,
      Updates: updates[name] ?? null,
    });
  }
  return {
    Type: old === undefined ? 'Added' : anyChange ? 'Edited' : 'None',
    ID: next.ID,
    Fields: fields.length === 0 ? null : fields,
    Objects: objects.length === 0 ? null : objects,
    TaskGroups: taskGroups,
  };
}
