import { Fragment, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Param } from '../../../shared/profile';
import { FieldErrorsContext } from '../lib/field-errors';

/**
 * A labelled form field. Its error — given, or found for its element id in FieldErrorsContext — shows
 * next to it, with a red border and aria-invalid on the element (issue 12: errors next to their cause).
 */
export function Field(props: { label: string; required?: boolean; hint?: ReactNode; children: ReactNode; htmlFor?: string; error?: string }) {
  const errors = useContext(FieldErrorsContext);
  const error = props.error ?? (props.htmlFor ? errors[props.htmlFor] : undefined);
  const errorId = props.htmlFor ? `${props.htmlFor}-error` : undefined;
  useEffect(() => {
    const el = props.htmlFor ? document.getElementById(props.htmlFor) : null;
    if (!el) return;
    if (error) {
      el.setAttribute('aria-invalid', 'true');
      if (errorId) el.setAttribute('aria-describedby', errorId);
    } else {
      el.removeAttribute('aria-invalid');
      if (errorId && el.getAttribute('aria-describedby') === errorId) el.removeAttribute('aria-describedby');
    }
  }, [error, errorId, props.htmlFor]);
  return (
    <div className={`field${props.required ? ' required' : ''}${error ? ' invalid' : ''}`}>
      <label htmlFor={props.htmlFor}>{props.label}</label>
      {props.children}
      {error ? (
        <div className="field-error" id={errorId} data-testid="field-error" data-field={props.htmlFor}>
          {error}
        </div>
      ) : null}
      {props.hint ? <div className="hint">{props.hint}</div> : null}
    </div>
  );
}

/** Scopes as chips: Enter, space or comma adds; Backspace on an empty input removes the last. */
export function ScopeChips(props: { value: string[]; onChange: (v: string[]) => void; suggestions?: string[]; id?: string }) {
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const parts = raw.split(/[\s,]+/).filter(Boolean);
    if (parts.length === 0) return;
    props.onChange([...props.value, ...parts.filter((p) => !props.value.includes(p))]);
    setText('');
  };
  const unused = (props.suggestions ?? []).filter((s) => !props.value.includes(s));
  return (
    <div>
      <div className="chips" data-testid="scope-chips">
        {props.value.map((s) => (
          <span className="chip" key={s}>
            {s}
            <button aria-label={`Remove scope ${s}`} onClick={() => props.onChange(props.value.filter((x) => x !== s))}>
              ×
            </button>
          </span>
        ))}
        <input
          id={props.id}
          aria-label="Add scope"
          placeholder={props.value.length ? '' : 'openid profile …'}
          value={text}
          onChange={(e) => {
            const v = e.target.value;
            if (/[\s,]$/.test(v)) add(v);
            else setText(v);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(text);
            } else if (e.key === 'Backspace' && text === '' && props.value.length) {
              props.onChange(props.value.slice(0, -1));
            }
          }}
          onBlur={() => add(text)}
        />
      </div>
      {unused.length ? (
        <div className="supported" style={{ marginTop: 4 }}>
          <span className="muted">Server offers:</span>
          {unused.slice(0, 24).map((s) => (
            <button key={s} className="badge" onClick={() => props.onChange([...props.value, s])} title={`Add ${s}`}>
              + {s}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Name/value rows for extra request parameters. */
export function ParamTable(props: { value: Param[]; onChange: (v: Param[]) => void; label: string; validate?: (name: string) => string | undefined }) {
  const rows = [...props.value, { name: '', value: '' }];
  const update = (i: number, patch: Partial<Param>) => {
    const next = rows.map((r, j) => (j === i ? { ...r, ...patch } : r)).filter((r, j) => r.name !== '' || r.value !== '' || j < props.value.length);
    props.onChange(next.filter((r) => r.name !== '' || r.value !== ''));
  };
  return (
    <table className="params" aria-label={props.label}>
      <tbody>
        {rows.map((r, i) => {
          // A problem with the row's name (e.g. an authorization parameter in the token table), shown right under it.
          const problem = r.name ? props.validate?.(r.name) : undefined;
          const problemId = `${props.label.replace(/\W+/g, '-')}-problem-${i + 1}`;
          return (
          <Fragment key={i}>
          <tr>
            <td>
              <input
                aria-label={`${props.label} name ${i + 1}`}
                placeholder="name"
                value={r.name}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? problemId : undefined}
                onChange={(e) => update(i, { name: e.target.value })}
              />
            </td>
            <td>
              <input aria-label={`${props.label} value ${i + 1}`} placeholder="value" value={r.value} onChange={(e) => update(i, { value: e.target.value })} />
            </td>
            <td style={{ width: 24 }}>
              {i < props.value.length ? (
                <button className="icon" aria-label="Remove parameter" onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}>
                  ×
                </button>
              ) : null}
            </td>
          </tr>
          {problem ? (
            <tr>
              <td colSpan={3} id={problemId} className="field-error" role="alert">
                {problem}
              </td>
            </tr>
          ) : null}
          </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
