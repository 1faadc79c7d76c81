import { Agent, request } from 'undici';
import type { SandboxHandle } from '../../electron/sandbox';
import { CookieJar } from './cookie-jar';

export { CookieJar };
import { formBody, parseForms, type HtmlForm } from './html-forms';

/**
 * A scripted user agent for the sandbox: it follows redirects itself, one
 * step at a time, keeps cookies, and fills in the sandbox's login, consent
 * and device pages the way a person would, with plain HTTP (no browser).
 */

export interface ScriptedUserOptions {
  /** Defaults to the sandbox user. */
  username?: string;
  password?: string;
  /** Press "Deny" on the consent page (or "Abort" on the device confirmation page). */
  deny?: boolean;
  /** Return the redirect back to the client without requesting it. */
  stopBeforeFinal?: boolean;
  /** Give up after this many requests (default 25). */
  maxSteps?: number;
  /** Share cookies (the sandbox session) across calls, e.g. sign in, then log out. */
  jar?: CookieJar;
}

export interface ScriptedUserResult {
  /** The first URL outside the sandbox: the client's redirect_uri with the authorization response. */
  finalUrl: string;
  /** GET for query/fragment responses, POST for response_mode=form_post. */
  method: 'GET' | 'POST';
  /** The form_post body, when method is POST. */
  formBody?: string;
  /** What the redirect target answered; absent with `stopBeforeFinal`. */
  status?: number;
  body?: string;
}

export class ScriptedUserError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${message} at ${url} (HTTP ${status}): ${body.replace(/\s+/g, ' ').slice(0, 300)}`);
    this.name = 'ScriptedUserError';
  }
}

type Sandbox = Pick<SandboxHandle, 'issuer' | 'user'>;

interface Step {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

/**
 * Plays the user through an authorization request: sign in, consent, then
 * follow redirects until one leaves the sandbox; that URL is requested too
 * (so a loopback listener receives it) unless `stopBeforeFinal` is set.
 */
export async function authorizeAsUser(sandbox: Sandbox, authorizationUrl: string, options: ScriptedUserOptions = {}): Promise<ScriptedUserResult> {
  const browser = new ScriptedBrowser(sandbox, options);
  try {
    let step: Step = { url: authorizationUrl, method: 'GET' };
    for (let i = 0; i < (options.maxSteps ?? 25); i++) {
      if (!browser.isSandbox(step.url)) return await browser.finish(step, options.stopBeforeFinal ?? false);
      const page = await browser.fetch(step);
      if (page.location) {
        step = { url: page.location, method: 'GET' };
        continue;
      }
      step = browser.nextFormStep(page);
    }
    throw new Error(`scripted user gave up after ${options.maxSteps ?? 25} steps`);
  } finally {
    await browser.close();
  }
}

export type DeviceCodeEntry = { verificationUriComplete: string } | { verificationUri: string; userCode: string };

/**
 * Plays the device-flow user: open the verification page, enter the code
 * (or open the complete URI), confirm, sign in, consent. Returns the final
 * page the sandbox showed (the success page, unless `deny`).
 */
export async function enterDeviceCode(sandbox: Sandbox, entry: DeviceCodeEntry, options: Omit<ScriptedUserOptions, 'stopBeforeFinal'> = {}): Promise<{ finalUrl: string; status: number; body: string }> {
  const browser = new ScriptedBrowser(sandbox, options);
  const userCode = 'userCode' in entry ? entry.userCode : undefined;
  try {
    let step: Step = { url: 'verificationUriComplete' in entry ? entry.verificationUriComplete : entry.verificationUri, method: 'GET' };
    for (let i = 0; i < (options.maxSteps ?? 25); i++) {
      if (!browser.isSandbox(step.url)) throw new Error(`device flow left the sandbox for ${step.url}`);
      const page = await browser.fetch(step);
      if (page.location) {
        step = { url: page.location, method: 'GET' };
        continue;
      }
      const forms = parseForms(page.body);
      const done = (page.status === 200 && forms.length === 0) || browser.aborted;
      if (done) return { finalUrl: page.url, status: page.status, body: page.body };
      step = browser.nextFormStep(page, userCode);
    }
    throw new Error(`scripted user gave up after ${options.maxSteps ?? 25} steps`);
  } finally {
    await browser.close();
  }
}

interface Page {
  url: string;
  status: number;
  body: string;
  location?: string;
}

class ScriptedBrowser {
  private readonly jar: CookieJar;
  private readonly agent = new Agent();
  private readonly origin: string;
  private submittedLogin = false;
  /** Set once the user pressed Abort on the device confirmation page. */
  aborted = false;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly options: ScriptedUserOptions,
  ) {
    this.origin = new URL(sandbox.issuer).origin;
    this.jar = options.jar ?? new CookieJar();
  }

  isSandbox(url: string): boolean {
    return new URL(url).origin === this.origin;
  }

  async fetch(step: Step): Promise<Page> {
    const headers: Record<string, string> = { 'user-agent': 'TokenWorkbench-ScriptedUser/1' };
    const cookie = this.jar.header(step.url);
    if (cookie) headers.cookie = cookie;
    if (step.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(step.url, { method: step.method, headers, body: step.body, dispatcher: this.agent });
    this.jar.store(res.headers['set-cookie'], step.url);
    const body = await res.body.text();
    const location = res.headers.location;
    const isRedirect = res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string';
    return { url: step.url, status: res.statusCode, body, ...(isRedirect ? { location: new URL(location, step.url).href } : {}) };
  }

  /** Decides which form on the page a user would submit, and fills it in. */
  nextFormStep(page: Page, userCode?: string): Step {
    const forms = parseForms(page.body);
    const byId = (id: string) => forms.find((f) => f.id === id);
    const submit = (form: HtmlForm, overrides: Record<string, string> = {}): Step => {
      const url = new URL(form.action || page.url, page.url).href;
      const body = formBody(form, overrides);
      return form.method === 'POST' ? { url, method: 'POST', body } : { url: `${url.split('?')[0]}?${body}`, method: 'GET' };
    };

    const login = forms.find((f) => f.fields.some((field) => field.name === 'password'));
    if (login) {
      if (this.submittedLogin && page.status === 401) throw new ScriptedUserError('sign-in was refused', page.url, page.status, page.body);
      this.submittedLogin = true;
      return submit(login, { username: this.options.username ?? this.sandbox.user.username, password: this.options.password ?? this.sandbox.user.password });
    }
    const consent = byId('consent');
    if (consent) return submit(this.options.deny ? (byId('abort') ?? consent) : consent);

    const codeInput = forms.find((f) => f.fields.some((field) => field.name === 'user_code' && field.type === 'text'));
    if (codeInput) {
      if (!userCode) throw new ScriptedUserError('the sandbox asks for a user code but none was given', page.url, page.status, page.body);
      if (page.body.includes('role="alert"')) throw new ScriptedUserError('the user code was refused', page.url, page.status, page.body);
      return submit(codeInput, { user_code: userCode });
    }
    const confirm = byId('op.deviceConfirmForm');
    if (confirm) {
      this.aborted = this.options.deny ?? false;
      return submit(confirm, this.options.deny ? { abort: 'yes' } : {});
    }
    const logout = byId('op.logoutForm');
    if (logout) return submit(logout, { logout: 'yes' });

    // oidc-provider's auto-submitting pages (form_post responses, the device code hand-off).
    const autoSubmit = forms.find((f) => f.method === 'POST');
    if (autoSubmit && forms.length === 1) return submit(autoSubmit);
    throw new ScriptedUserError('no form the scripted user knows how to fill in', page.url, page.status, page.body);
  }

  async finish(step: Step, stop: boolean): Promise<ScriptedUserResult> {
    const result: ScriptedUserResult = { finalUrl: step.url, method: step.method, ...(step.body !== undefined ? { formBody: step.body } : {}) };
    if (stop) return result;
    // The client is not the sandbox: no cookies travel there. The fragment stays on our side, as in a browser.
    const target = new URL(step.url);
    target.hash = '';
    const headers: Record<string, string> = step.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    const res = await request(target.href, { method: step.method, headers, body: step.body, dispatcher: this.agent });
    return { ...result, status: res.statusCode, body: await res.body.text() };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
