import { useState } from 'react';
import { numericDateInfo, TIME_CLAIMS } from '../../../shared/token/claims';
import { copyText } from '../lib/hooks';

/** A token's header or claims: each name with its registered meaning on hover, times in words ("in 9 minutes"). */
export function ClaimTable({ title, values, describe, testId }: { title: string; values: Record<string, unknown>; describe: (name: string) => string | undefined; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3 className="row">
        <span className="grow">{title}</span>
        <button className="link" onClick={() => void copyText(JSON.stringify(values, null, 2))}>
          Copy JSON
        </button>
      </h3>
      <table>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(values).map(([name, value]) => {
            const description = describe(name);
            const time = (TIME_CLAIMS as readonly string[]).includes(name) && typeof value === 'number' ? numericDateInfo(name, value) : undefined;
            return (
              <tr key={name}>
                <td style={{ width: 140 }}>
                  <span className={description ? 'claim-name' : 'mono'} title={description} data-claim={name}>
                    {name}
                  </span>
                </td>
                <td className="mono">
                  <LongText text={typeof value === 'string' ? value : JSON.stringify(value)} />
                  {time ? (
                    <span className="muted" data-testid="claim-time">
                      {' '}
                      · {new Date(time.value * 1000).toLocaleString()} ({time.relative})
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Beyond this many characters a value is cut until asked for: laying out a megabyte of text blocks the UI for a long moment. */
const LONG_TEXT_CHARS = 16 * 1024;

export function LongText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (all || text.length <= LONG_TEXT_CHARS) return <>{text}</>;
  return (
    <>
      {text.slice(0, LONG_TEXT_CHARS)}
      <span className="muted">… </span>
      <button className="link" onClick={() => setAll(true)}>
        show all {Math.round(text.length / 1024)} KB
      </button>
    </>
  );
}
