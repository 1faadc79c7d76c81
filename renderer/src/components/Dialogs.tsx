import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps keyboard focus inside `container` while it is mounted (Tab and Shift+Tab wrap around),
 * and gives it back to whatever had it before — the opener — when it goes away.
 */
export function useFocusTrap(container: React.RefObject<HTMLElement | null>, onEscape: () => void) {
  const escape = useRef(onEscape);
  escape.current = onEscape;
  // Read while rendering: by the time effects run, an autoFocus child has already taken the focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const el = container.current;
    // Opened from a menu item: the menu is gone in the same commit and has handed focus back to its own
    // opener (the row), which is where this dialog's focus should go back to as well.
    const returnTo = opener?.isConnected ? opener : document.activeElement instanceof HTMLElement && !el?.contains(document.activeElement) && document.activeElement !== document.body ? document.activeElement : null;
    if (el && !el.contains(document.activeElement)) (el.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? el.querySelector<HTMLElement>(FOCUSABLE) ?? el).focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        escape.current();
        return;
      }
      if (e.key !== 'Tab' || !el) return;
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null || n === document.activeElement);
      if (items.length === 0) return e.preventDefault();
      const first = items[0] as HTMLElement;
      const last = items[items.length - 1] as HTMLElement;
      if (e.shiftKey && (document.activeElement === first || !el.contains(document.activeElement))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !el.contains(document.activeElement))) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      // Back to the opener when it is still on the page (a deleted row is not): else the page keeps its focus.
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, [container, opener]);
}

/**
 * The one modal of the app: every dialog is one of these, so each traps focus, closes on Escape (and on a
 * click on the backdrop), gives focus back to its opener and is named by its visible title.
 */
export function Modal({ title, onClose, children, wide, testId }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(ref, onClose);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={wide ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref} tabIndex={-1} data-testid={testId}>
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** A dialog with its own content (the shortcuts sheet): focus trapped, Escape closes, focus back to the opener. */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  return (
    <Modal onClose={props.onClose} title={props.title}>
      {props.children}
      <div className="buttons">
        <button onClick={props.onClose} data-autofocus>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** `cancelFirst`: focus starts on Cancel, so Enter does not confirm what cannot be taken back (a secret put on the clipboard). */
export function ConfirmDialog(props: { title: string; message: ReactNode; confirmLabel: string; danger?: boolean; cancelFirst?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal onClose={props.onCancel} title={props.title}>
      <div>{props.message}</div>
      <div className="buttons">
        <button onClick={props.onCancel} autoFocus={props.cancelFirst === true}>
          Cancel
        </button>
        <button className={props.danger ? 'primary danger' : 'primary'} onClick={props.onConfirm} autoFocus={props.cancelFirst !== true}>
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
    <Modal onClose={props.onCancel} title={props.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!missing) void props.onSubmit(values);
        }}
        style={{ display: 'flex', flexDirection: 'column', gap: 10 }}
      >
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

/** A popup menu at the pointer (or under the row, from the keyboard): arrows move, Enter picks, Escape or Tab closes; focus goes back to the opener. */
export function Menu({ x, y, items, onClose }: { x: number; y: number; items: Array<{ label: string; onSelect: () => void; danger?: boolean }>; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);
  useEffect(() => {
    const close = () => onClose();
    const t = setTimeout(() => window.addEventListener('mousedown', close), 0);
    return () => {
      clearTimeout(t);
      window.removeEventListener('mousedown', close);
    };
  }, [onClose]);
  const onKey = (e: React.KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const go = (i: number) => buttons[(i + buttons.length) % buttons.length]?.focus();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(buttons.length - 1);
    else if (e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
  };
  return (
    <div ref={ref} className="menu" role="menu" style={{ left: Math.min(x, window.innerWidth - 180), top: Math.min(y, window.innerHeight - items.length * 30 - 10) }} onMouseDown={(e) => e.stopPropagation()} onKeyDown={onKey}>
      {items.map((item, i) => (
        <button
          key={item.label}
          role="menuitem"
          tabIndex={i === 0 ? 0 : -1}
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
