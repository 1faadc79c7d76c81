import { useEffect, useRef, useState, type ReactNode } from 'react';

function Modal({ children, onClose, label }: { children: ReactNode; onClose: () => void; label: string }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={label}>
        {children}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: { title: string; message: ReactNode; confirmLabel: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal onClose={props.onCancel} label={props.title}>
      <h2>{props.title}</h2>
      <div>{props.message}</div>
      <div className="buttons">
        <button onClick={props.onCancel}>Cancel</button>
        <button className={props.danger ? 'primary danger' : 'primary'} onClick={props.onConfirm} autoFocus>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

export interface FormField {
  name: string;
  label: string;
  value?: string;
  placeholder?: string;
  required?: boolean;
  options?: Array<{ value: string; label: string }>;
}

/** A small form dialog (create/rename group or profile, move to group). */
export function FormDialog(props: {
  title: string;
  fields: FormField[];
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<void> | void;
  onCancel: () => void;
  error?: ReactNode;
  /** Problems by field name, shown next to each field (red border, focus moved to the first). */
  fieldErrors?: Record<string, string>;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(props.fields.map((f) => [f.name, f.value ?? f.options?.[0]?.value ?? ''])));
  const first = useRef<HTMLInputElement | HTMLSelectElement>(null);
  useEffect(() => {
    first.current?.focus();
    if (first.current instanceof HTMLInputElement) first.current.select();
  }, []);
  const missing = props.fields.some((f) => f.required && !values[f.name]?.trim());
  const fieldErrors = props.fieldErrors ?? {};
  const firstInvalid = props.fields.find((f) => fieldErrors[f.name])?.name;
  const errorKey = JSON.stringify(fieldErrors);
  useEffect(() => {
    if (firstInvalid) document.getElementById(`dlg-${firstInvalid}`)?.focus();
  }, [firstInvalid, errorKey]);
  return (
    <Modal onClose={props.onCancel} label={props.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!missing) void props.onSubmit(values);
        }}
        style={{ display: 'flex', flexDirection: 'column', gap: 10 }}
      >
        <h2>{props.title}</h2>
        {props.fields.map((f, i) => (
          <div className={`field${f.required ? ' required' : ''}${fieldErrors[f.name] ? ' invalid' : ''}`} key={f.name}>
            <label htmlFor={`dlg-${f.name}`}>{f.label}</label>
            {f.options ? (
              <select id={`dlg-${f.name}`} ref={i === 0 ? (first as React.RefObject<HTMLSelectElement>) : undefined} value={values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`dlg-${f.name}`}
                ref={i === 0 ? (first as React.RefObject<HTMLInputElement>) : undefined}
                value={values[f.name]}
                placeholder={f.placeholder}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                aria-invalid={fieldErrors[f.name] ? true : undefined}
                aria-describedby={fieldErrors[f.name] ? `dlg-${f.name}-error` : undefined}
              />
            )}
            {fieldErrors[f.name] ? (
              <div className="field-error" id={`dlg-${f.name}-error`} data-testid="field-error" data-field={f.name}>
                {fieldErrors[f.name]}
              </div>
            ) : null}
          </div>
        ))}
        {props.error}
        <div className="buttons">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={missing}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A popup menu at the pointer; closes on any outside click or Escape. */
export function Menu({ x, y, items, onClose }: { x: number; y: number; items: Array<{ label: string; onSelect: () => void; danger?: boolean }>; onClose: () => void }) {
  useEffect(() => {
    const close = () => onClose();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const t = setTimeout(() => window.addEventListener('mousedown', close), 0);
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(t);
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  return (
    <div className="menu" role="menu" style={{ left: Math.min(x, window.innerWidth - 180), top: Math.min(y, window.innerHeight - items.length * 30 - 10) }} onMouseDown={(e) => e.stopPropagation()}>
      {items.map((item) => (
        <button
          key={item.label}
          role="menuitem"
          className={item.danger ? 'danger' : undefined}
          onClick={() => {
            onClose();
            item.onSelect();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
