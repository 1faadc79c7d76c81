import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { UsageError } from './args';
import { CliContext } from './context';

const USAGE = `tokenbench — OAuth 2.0 / OpenID Connect tokens from the command line (Token Workbench)

Usage:
  tokenbench token [ISSUER_URL] [flags]       get a token (every grant and client-authentication method)
  tokenbench register ISSUER_URL [flags]      dynamic client registration (RFC 7591/7592), --save NAME as a profile
  tokenbench profiles list|show|save|delete   saved connection profiles (shared with the desktop app)
  tokenbench profiles import FILE [--from F]  import from postman, insomnia, bruno or a curl command
  tokenbench profiles command NAME --as curl  a profile as a tokenbench, oauth2c or curl command
  tokenbench presets [show NAME]              provider presets (Entra ID, Okta, Auth0, Keycloak, …)
  tokenbench env list|add|set|unset|use|delete  environments and their {{variables}} (secrets in the keychain)
  tokenbench keys ...                         keystore: generate, import, certificates, JWKS export
  tokenbench assertion --key ALIAS ...        sign a JWT (client assertion, JWT bearer, ad hoc)
  tokenbench decode TOKEN|-                   decode a JWT/JWE
  tokenbench decrypt TOKEN|- --key FILE|--keystore ALIAS   decrypt a JWE
  tokenbench verify TOKEN|- [flags]           verify a JWT (or a JWE with --decryption-key), check by check
  tokenbench introspect|revoke|userinfo TOKEN [flags]
  tokenbench logout-url [flags]               build an RP-initiated logout URL
  tokenbench sandbox [--port N]               run the built-in authorization server on 127.0.0.1

Run "tokenbench <command> --help" for a command's flags. Data lives in the desktop app's
data directory; TOKENBENCH_HOME overrides it.
`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/**
 * Usage of the commands that take no --help flag of their own. Every other command answers
 * `--help` as its first argument, so `keys generate --help` and `profiles save --help` print the
 * keys and profiles usage rather than "Unknown option '--help'".
 */
const COMMAND_HELP: Record<string, string> = {
  decode: `Usage: tokenbench decode TOKEN|-
Decodes a JWT (JWS) or the header of a JWE without verifying anything; prints JSON on stdout.
Exits 2 when the token cannot be decoded. "tokenbench verify" checks a JWT; "tokenbench decrypt" opens a JWE.
`,
  introspect: `Usage: tokenbench introspect [ISSUER_URL] TOKEN|- [--token-type-hint access_token|refresh_token]
       [client flags of "tokenbench token" | --profile NAME | --resource-server-id ID --resource-server-secret S]
       [--introspection-url URL] [--dpop | --dpop-key FILE|keystore:ALIAS] [--silent]
Asks the authorization server about a token (RFC 7662); prints its answer as JSON.
  --dpop                    send a DPoP proof (RFC 9449) with the request, from a fresh ES256 key
                            (or the saved profile's DPoP key), retrying once on use_dpop_nonce
  --dpop-key FILE|keystore:ALIAS  prove this key instead; the answer's cnf.jkt is then checked against it
`,
  revoke: `Usage: tokenbench revoke [ISSUER_URL] TOKEN|- [--token-type-hint access_token|refresh_token]
       [client flags of "tokenbench token" | --profile NAME] [--revocation-url URL] [--silent]
Revokes a token (RFC 7009).
`,
  userinfo: `Usage: tokenbench userinfo [ISSUER_URL] ACCESS_TOKEN|- [--id-token ID_TOKEN] [--profile NAME] [--userinfo-url URL]
       [--dpop-key FILE|keystore:ALIAS | --dpop] [--silent]
Calls the userinfo endpoint; with --id-token, checks the answer is about the ID token's subject.
  --dpop-key FILE|keystore:ALIAS  the token is DPoP-bound to this key (RFC 9449): sent as "DPoP <token>" with
                            a proof of the key (ath: the token's hash), retrying once on use_dpop_nonce
  --dpop                    the same with the saved profile's DPoP key (--profile NAME); a fresh key cannot
                            prove possession of a token bound to another one, so without one it is refused
`,
  'logout-url': `Usage: tokenbench logout-url [ISSUER_URL] [--end-session-url URL] [--id-token-hint T]
       [--post-logout-redirect-uri U] [--state S] [--client-id ID] [--profile NAME] [--open]
Builds an RP-initiated logout URL (OpenID Connect RP-Initiated Logout); --open opens it in the browser.
`,
};

/** `--help` or `-h` among the flags (not after `--`, where it would be a value). */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  token: async () => (await import('./commands/token')).tokenCommand,
  profiles: async () => (await import('./commands/profiles')).profilesCommand,
  presets: async () => (await import('./commands/presets')).presetsCommand,
  // Environments and variables (issue 13 §3) edited from the command line.
  env: async () => (await import('./commands/env')).envCommand,
  register: async () => (await import('./commands/register')).registerCommand,
  sandbox: async () => (await import('./commands/sandbox')).sandboxCommand,
  keys: async () => (await import('./commands/keys')).keysCommand,
  assertion: async () => (await import('./commands/keys')).assertionCommand,
  decode: async () => (await import('./commands/inspect')).decodeCommand,
  verify: async () => (await import('./commands/inspect')).verifyCommand,
  decrypt: async () => (await import('./commands/inspect')).decryptCommand,
  introspect: async () => (await import('./commands/inspect')).introspectCommand,
  revoke: async () => (await import('./commands/inspect')).revokeCommand,
  userinfo: async () => (await import('./commands/inspect')).userinfoCommand,
  'logout-url': async () => (await import('./commands/inspect')).logoutUrlCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command "${name}" (see tokenbench --help)`);
  if (asksForHelp(rest)) {
    const help = COMMAND_HELP[name];
    if (help) {
      process.stdout.write(help);
      return 0;
    }
    return (await load())(['--help'], new CliContext());
  }
  return (await load())(rest, new CliContext());
}

/** One clear line on stderr; the server's error and description when it sent them. */
export function describeFailure(err: unknown): { line: string; code: number } {
  if (err instanceof UsageError) return { line: `tokenbench: ${err.message}`, code: 2 };
  if (err instanceof ResponseBodyError) {
    // What the engine could tell about the failure (Basic encoding, assertion kid: electron/engine/failure-hints).
    const hints = Array.isArray(err.details?.hints) ? ` — ${(err.details.hints as string[]).join('; ')}` : '';
    return { line: `tokenbench: ${err.error}${err.error_description ? `: ${err.error_description}` : ''}${hints} (HTTP ${err.status})`, code: 1 };
  }
  if (err instanceof WorkbenchError) return { line: `tokenbench: ${err.message} [${err.code}]`, code: 1 };
  return { line: `tokenbench: unexpected error: ${err instanceof Error ? err.message : String(err)}`, code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { line, code } = describeFailure(err);
    process.stderr.write(`${line.replace(/\s+/g, ' ')}\n`);
    if (process.env.TOKENBENCH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  },
);
