import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { UsageError } from './args';
import { CliContext } from './context';

const USAGE = `tokenbench — OAuth 2.0 / OpenID Connect tokens from the command line (Token Workbench)

Usage:
  tokenbench token [ISSUER_URL] [flags]       get a token (every grant and client-authentication method)
  tokenbench register ISSUER_URL [flags]      dynamic client registration (RFC 7591/7592), --save NAME as a profile
  tokenbench profiles list|show|save|delete   saved connection profiles (shared with the desktop app)
  tokenbench keys ...                         keystore: generate, import, certificates, JWKS export
  tokenbench assertion --key ALIAS ...        sign a JWT (client assertion, JWT bearer, ad hoc)
  tokenbench decode TOKEN|-                   decode a JWT/JWE
  tokenbench verify TOKEN|- [flags]           verify a JWT, check by check
  tokenbench introspect|revoke|userinfo TOKEN [flags]
  tokenbench logout-url [flags]               build an RP-initiated logout URL
  tokenbench sandbox [--port N]               run the built-in authorization server on 127.0.0.1

Run "tokenbench <command> --help" for a command's flags. Data lives in the desktop app's
data directory; TOKENBENCH_HOME overrides it.
`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  token: async () => (await import('./commands/token')).tokenCommand,
  profiles: async () => (await import('./commands/profiles')).profilesCommand,
  register: async () => (await import('./commands/register')).registerCommand,
  sandbox: async () => (await import('./commands/sandbox')).sandboxCommand,
  keys: async () => (await import('./commands/keys')).keysCommand,
  assertion: async () => (await import('./commands/keys')).assertionCommand,
  decode: async () => (await import('./commands/inspect')).decodeCommand,
  verify: async () => (await import('./commands/inspect')).verifyCommand,
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
