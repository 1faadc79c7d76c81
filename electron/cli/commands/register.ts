import { WorkbenchError } from '../../../shared/errors';
import { AUTH_METHODS, type AuthMethod } from '../../../shared/grants';
import { parse, parseJsonObjectArg, parseLifetime, UsageError } from '../args';
import type { CliContext } from '../context';
import { formatTranscript, printJson } from '../output';

const HELP = `Usage: tokenbench register ISSUER_URL [flags]                     (RFC 7591)
       tokenbench register --read|--update|--delete --profile NAME    (RFC 7592)

  --initial-access-token T     when the server requires one
  --grant-type G               repeatable (default: authorization_code and refresh_token)
  --auth-method M              token_endpoint_auth_method (default: client_secret_basic, private_key_jwt with a key)
  --redirect-url U             a fixed redirect URL (default: the loopback redirect http://127.0.0.1/callback)
  --signing-key keystore:ALIAS register the key's public JWK as the client's jwks
  --jwks-uri URL               register a jwks_uri instead
  --scopes a,b  --client-name NAME  --registration-url URL (no discovery)
  --save NAME                  save the client as a profile; its secret and registration access token go to the keychain
  --metadata JSON              with --update: metadata to change, e.g. '{"client_name":"new name"}'
  --tls-root-ca FILE  --insecure  --timeout 30s
  --silent                     print only the registration response's JSON
`;

const OPTIONS = {
  'initial-access-token': { type: 'string' },
  'grant-type': { type: 'string', multiple: true },
  'auth-method': { type: 'string' },
  'redirect-url': { type: 'string' },
  'signing-key': { type: 'string' },
  'jwks-uri': { type: 'string' },
  scopes: { type: 'string' },
  'client-name': { type: 'string' },
  'registration-url': { type: 'string' },
  save: { type: 'string' },
  read: { type: 'boolean' },
  update: { type: 'boolean' },
  delete: { type: 'boolean' },
  profile: { type: 'string' },
  metadata: { type: 'string' },
  'tls-root-ca': { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
  silent: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function registerCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values: f, positionals } = parse(argv, OPTIONS);
  if (f.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const silent = f.silent ?? false;
  const ops = (['read', 'update', 'delete'] as const).filter((o) => f[o]);
  if (ops.length > 1) throw new UsageError('give one of --read, --update, --delete');
  const { readPem } = await import('../../app/run-profile');
  const network = {
    ...(f.timeout ? { timeoutMs: parseLifetime(f.timeout) * 1000 } : {}),
    tls: { ...(f['tls-root-ca'] ? { ca: await readPem(f['tls-root-ca'], 'CA bundle') } : {}), ...(f.insecure ? { insecure: true } : {}) },
  };
  const registration = await import('../../app/registration');

  if (ops[0]) {
    if (!f.profile) throw new UsageError(`--${ops[0]} needs --profile NAME`);
    if (positionals.length) throw new UsageError(`--${ops[0]} takes no issuer; the profile knows its registration`);
    const store = await ctx.profiles();
    const profile = store.getProfile(f.profile);
    if (!profile) throw new WorkbenchError('NOT_FOUND', `no saved profile "${f.profile}"`);
    const changes = f.metadata ? parseJsonObjectArg(f.metadata, '--metadata') : {};
    if (f.metadata && ops[0] !== 'update') throw new UsageError('--metadata goes with --update');
    const secrets = await ctx.secrets();
    const done = await registration.manageRegistration(ops[0], profile, secrets, network, changes);
    if (!silent) process.stderr.write(formatTranscript(done.transcript));
    if (ops[0] === 'delete') {
      // The client is gone at the server: its secrets are of no use any more.
      const { profileSecretAccount } = await import('../../secrets/secret-store');
      await secrets.delete(profileSecretAccount(profile.id, 'registrationAccessToken'));
      store.saveProfile({ ...profile, registration: undefined, secretRefs: profile.secretRefs.filter((r) => r !== 'registrationAccessToken') });
      if (!silent) process.stderr.write(`Deleted the registration of client ${profile.clientId}; profile "${profile.name}" is kept.\n`);
      return 0;
    }
    printJson(registration.publicRegistration(done.registered!));
    return 0;
  }

  if (positionals.length > 1) throw new UsageError(`register takes one issuer URL, got ${positionals.length} arguments`);
  const issuer = positionals[0];
  if (!issuer && !f['registration-url']) throw new UsageError('give the issuer URL (or --registration-url)');
  if (f['auth-method'] && !(AUTH_METHODS as readonly string[]).includes(f['auth-method'])) throw new UsageError(`unknown --auth-method "${f['auth-method']}"; one of ${AUTH_METHODS.join(', ')}`);
  const signingKey = f['signing-key'];
  if (signingKey && !signingKey.startsWith('keystore:')) throw new UsageError('--signing-key takes keystore:ALIAS here (the public key is registered; import a key file with tokenbench keys import)');
  const alias = signingKey?.slice('keystore:'.length);
  const scopes = f.scopes?.split(/[,\s]+/).filter(Boolean);
  if (f.save && (await ctx.profiles()).getProfile(f.save)) throw new WorkbenchError('ALREADY_EXISTS', `a profile named "${f.save}" already exists`);

  const outcome = await registration.registerClient(
    {
      ...(issuer ? { issuer } : {}),
      ...(f['registration-url'] ? { registrationEndpoint: f['registration-url'] } : {}),
      ...(f['initial-access-token'] ? { initialAccessToken: f['initial-access-token'] } : {}),
      ...(f['grant-type'] ? { grantTypes: f['grant-type'] } : {}),
      ...(f['auth-method'] ? { authMethod: f['auth-method'] as AuthMethod } : {}),
      ...(f['redirect-url'] ? { redirectUrl: f['redirect-url'] } : {}),
      ...(alias ? { signingKeyAlias: alias } : {}),
      ...(f['jwks-uri'] ? { jwksUri: f['jwks-uri'] } : {}),
      ...(f['client-name'] ? { clientName: f['client-name'] } : {}),
      ...(scopes ? { scopes } : {}),
      network,
    },
    alias ? { exportPublicJwk: async (a) => (await (await ctx.keystore()).exportPublicJwk(a)) as unknown as Record<string, unknown> } : undefined,
  );
  if (!silent) process.stderr.write(formatTranscript(outcome.transcript));
  if (f.save) {
    const draft = registration.profileFromRegistration(outcome, { name: f.save, ...(alias ? { signingKeyAlias: alias } : {}), ...(f['redirect-url'] ? { redirectUrl: f['redirect-url'] } : {}), ...(scopes ? { scopes } : {}) });
    const profile = await registration.saveRegistration(await ctx.profiles(), await ctx.secrets(), outcome, draft);
    if (!silent) process.stderr.write(`Saved as profile "${profile.name}" (client secret and registration access token in the keychain).\n`);
    // Saved: the secrets are in the keychain, not on the terminal.
    printJson(registration.publicRegistration(outcome.registered));
  } else {
    // Not saved: the response is the only place the client's credentials exist.
    printJson(outcome.registered.metadata);
  }
  return 0;
}
