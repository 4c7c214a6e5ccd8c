// Form controls bound to one config field each: label, control, inline validation message.
// Number inputs keep a local draft so half-typed values ("0.", "") never reach the config.
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ExperimentConfig } from '../../engine/config';
import { useStudio } from '../store';
import { num } from '../format';

type Field = keyof ExperimentConfig;

function useIssue(field: Field): string | undefined {
  return useStudio((s) => s.issues.find((i) => i.field === field)?.message);
}

export function FieldRow({ label, htmlFor, issue, hint, children, title }: {
  label: ReactNode; htmlFor?: string; issue?: string; hint?: ReactNode; children: ReactNode; title?: string;
}) {
  return (
    <div className={`field${issue ? ' invalid' : ''}`} title={title}>
      <label htmlFor={htmlFor}>{label}</label>
      <div className="control">{children}</div>
      {issue ? <p className="issue" role="alert">{issue}</p> : hint ? <p className="hint">{hint}</p> : null}
    </div>
  );
}

export function NumberField({ field, label, step, min, max, hint, integer, title, disabled }: {
  field: Field; label: ReactNode; step?: number; min?: number; max?: number; hint?: ReactNode;
  integer?: boolean; title?: string; disabled?: boolean;
}) {
  const id = useId();
  const value = useStudio((s) => s.config[field]) as number;
  const setField = useStudio((s) => s.setField);
  const issue = useIssue(field);
  const [draft, setDraft] = useState(num(value, 6));
  useEffect(() => {
    setDraft((d) => (Number(d) === value && d.trim() !== '' ? d : num(value, 6)));
  }, [value]);
  return (
    <FieldRow label={label} htmlFor={id} issue={issue} hint={hint} title={title}>
      <input
        id={id} type="number" inputMode={integer ? 'numeric' : 'decimal'} data-field={field}
        value={draft} step={step ?? 'any'} min={min} max={max} disabled={disabled}
        aria-invalid={issue ? true : undefined}
        onChange={(e) => {
          const t = e.target.value;
          setDraft(t);
          const n = Number(t);
          if (t.trim() !== '' && Number.isFinite(n)) setField(field, n as never);
        }}
        onBlur={() => setDraft(num(value, 6))}
      />
    </FieldRow>
  );
}

export function SliderField({ field, label, min, max, step, hint, format, title }: {
  field: Field; label: ReactNode; min: number; max: number; step: number; hint?: ReactNode;
  format?: (v: number) => string; title?: string;
}) {
  const id = useId();
  const value = useStudio((s) => s.config[field]) as number;
  const setField = useStudio((s) => s.setField);
  const issue = useIssue(field);
  return (
    <FieldRow label={<>{label}<output htmlFor={id}>{format ? format(value) : num(value)}</output></>} htmlFor={id} issue={issue} hint={hint} title={title}>
      <input
        id={id} type="range" min={min} max={max} step={step} value={value} data-field={field}
        aria-invalid={issue ? true : undefined}
        onChange={(e) => setField(field, Number(e.target.value) as never)}
      />
    </FieldRow>
  );
}

export function SelectField<V extends string>({ field, label, options, hint, onPick, title }: {
  field: Field; label: ReactNode; options: readonly { value: V; label: string }[]; hint?: ReactNode;
  onPick?: (v: V) => void; title?: string;
}) {
  const id = useId();
  const value = String(useStudio((s) => s.config[field]));
  const setField = useStudio((s) => s.setField);
  const issue = useIssue(field);
  return (
    <FieldRow label={label} htmlFor={id} issue={issue} hint={hint} title={title}>
      <select id={id} value={value} data-field={field}
        onChange={(e) => (onPick ? onPick(e.target.value as V) : setField(field, e.target.value as never))}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </FieldRow>
  );
}

export function CheckField({ field, label, hint }: { field: Field; label: ReactNode; hint?: ReactNode }) {
  const id = useId();
  const value = Boolean(useStudio((s) => s.config[field]));
  const setField = useStudio((s) => s.setField);
  return (
    <div className="field check">
      <input id={id} type="checkbox" checked={value} data-field={field} onChange={(e) => setField(field, e.target.checked as never)} />
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint">{hint}</p> : null}
    </div>
  );
}

export function Section({ title, children, aside, open = true }: { title: string; children: ReactNode; aside?: ReactNode; open?: boolean }) {
  return (
    <details className="section" open={open}>
      <summary><span>{title}</span>{aside ? <span className="aside">{aside}</span> : null}</summary>
      <div className="section-body">{children}</div>
    </details>
  );
}
