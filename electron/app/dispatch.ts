import { toErrorInfo, type Result } from '../../shared/errors';
import { isOperationName, parseArg, type OperationName, type OperationResult, type ParsedArg } from '../../shared/ipc';
import { describeFieldIssues, fieldErrors } from '../../shared/field-labels';

/**
 * One handler per operation of the contract. A mapped type, not an index
 * signature: leaving an operation out of the table is a compile error in
 * main and in the browser bridge alike (electron/fiddle's IpcEvents style).
 */
export type Handlers = { [N in OperationName]: (arg: ParsedArg<N>) => Promise<OperationResult<N>> };

/**
 * The single entry point both transports use: checks the operation name and
 * the argument against the contract's schema before any handler runs, and
 * turns every failure into an `{ ok: false, error }` the renderer can show.
 */
export async function dispatch(handlers: Handlers, name: string, arg: unknown): Promise<Result<unknown>> {
  if (!isOperationName(name)) return { ok: false, error: { code: 'NOT_FOUND', message: `unknown operation "${name.slice(0, 100)}"` } };
  const parsed = parseArg(name, arg);
  // Words a user knows ("Default issuer: must be an http(s) URL"), and each problem by field so the form can mark it.
  if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: describeFieldIssues(parsed.error.issues), details: { fields: fieldErrors(parsed.error.issues) } } };
  try {
    const handler = handlers[name] as (a: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    // `undefined` does not survive JSON; null keeps "no value" explicit across both transports.
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
