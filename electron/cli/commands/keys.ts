import { FILE_CAPS, readBoundedFile } from '../../storage/bounded-file';
import { WorkbenchError } from '../../../shared/errors';
import { ASYMMETRIC_SIGNING_ALGS, HMAC_ALGS, type AsymmetricAlg } from '../../../shared/grants';
import { previewAssertion, signAssertion, type AssertionSigner, type KidMode } from '../../jose/sign';
import type { KeyInfo } from '../../keystore/types';
import { keyValues, parse, parseJsonObjectArg, parseLifetime, UsageError } from '../args';
import type { CliContext } from '../context';
import { printJson } from '../output';

const HELP = `Usage:
  tokenbench keys generate --alg ES256 --alias NAME [--bits 2048|3072|4096]
  tokenbench keys import FILE [--alias NAME] [--passphrase-file F] [--alg ALG]   PEM, JWK/JWKS, PKCS#12
  tokenbench keys list [--json]
  tokenbench keys show ALIAS
  tokenbench keys cert ALIAS --self-signed --subject "CN=..." [--days 365] | --import FILE
  tokenbench keys kid ALIAS NEW_KID | --reset            the kid servers look the key up by (default: its RFC 7638 thumbprint)
  tokenbench keys export ALIAS [--format jwk|pem|cert]   (public parts; --private --format pem|jwk exports the private key)
  tokenbench keys jwks                                   every public key, ready to register
  tokenbench keys delete ALIAS
Private keys live in the OS keychain; the keystore file holds only metadata.
`;

export async function keysCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return sub ? 0 : 2;
  }
  const keystore = await ctx.keystore();
  switch (sub) {
    case 'generate': {
      const { values } = parse(rest, { alg: { type: 'string' }, alias: { type: 'string' }, bits: { type: 'string' } }, false);
      if (!values.alias) throw new UsageError('keys generate needs --alias NAME');
      const alg = asymmetricAlg(values.alg ?? 'ES256');
      const bits = values.bits === undefined ? undefined : Number(values.bits);
      if (bits !== undefined && ![2048, 3072, 4096].includes(bits)) throw new UsageError('--bits is 2048, 3072 or 4096');
      const info = await keystore.generate({ alias: values.alias, alg, modulusLength: bits as 2048 | 3072 | 4096 | undefined });
      process.stderr.write(`generated ${describe(info)}\n`);
      printJson(info.publicJwk);
      return 0;
    }
    case 'import': {
      const { values, positionals } = parse(rest, { alias: { type: 'string' }, 'passphrase-file': { type: 'string' }, alg: { type: 'string' } });
      const file = one(positionals, 'keys import FILE');
      const data = await readBoundedFile(file, { what: 'key file', maxBytes: FILE_CAPS.key });
      const passphrase = values['passphrase-file'] ? (await readBoundedFile(values['passphrase-file'], { what: 'passphrase file', maxBytes: FILE_CAPS.secret })).toString('utf8').replace(/\r?\n$/, '') : undefined;
      const infos = await keystore.import({ data, passphrase, alias: values.alias, alg: values.alg ? asymmetricAlg(values.alg) : undefined });
      for (const info of infos) process.stderr.write(`imported ${describe(info)}\n`);
      return 0;
    }
    case 'list': {
      const { values } = parse(rest, { json: { type: 'boolean' } }, false);
      const infos = await keystore.list();
      if (values.json) printJson(infos);
      else if (infos.length === 0) process.stderr.write('the keystore is empty (tokenbench keys generate --alg ES256 --alias NAME)\n');
      else for (const i of infos) process.stdout.write(`${i.alias}\t${i.alg}\tkid=${i.kid}${i.certificate ? `\tcert: ${i.certificate.subject} (x5t#S256 ${i.certificate.x5tS256})` : ''}\n`);
      return 0;
    }
    case 'show': {
      const { positionals } = parse(rest, {});
      printJson(await keystore.show(one(positionals, 'keys show ALIAS')));
      return 0;
    }
    case 'kid': {
      const { values, positionals } = parse(rest, { reset: { type: 'boolean' } });
      const usage = 'usage: tokenbench keys kid ALIAS NEW_KID | tokenbench keys kid ALIAS --reset';
      if (values.reset ? positionals.length !== 1 : positionals.length !== 2) throw new UsageError(usage);
      const info = values.reset ? await keystore.resetKid(positionals[0] as string) : await keystore.setKid(positionals[0] as string, positionals[1] as string);
      process.stderr.write(`kid of ${info.alias} is now ${info.kid}\n`);
      return 0;
    }
    case 'cert': {
      const { values, positionals } = parse(rest, { 'self-signed': { type: 'boolean' }, subject: { type: 'string' }, days: { type: 'string' }, import: { type: 'string' } });
      const alias = one(positionals, 'keys cert ALIAS --self-signed --subject "CN=..." | --import FILE');
      let info: KeyInfo;
      if (values['self-signed']) {
        if (values.import) throw new UsageError('--self-signed and --import exclude each other');
        if (!values.subject) throw new UsageError('--self-signed needs --subject "CN=..."');
        const days = values.days === undefined ? undefined : Number(values.days);
        if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new UsageError('--days is a whole number of days');
        info = await keystore.generateSelfSignedCertificate(alias, { subject: values.subject, validityDays: days });
      } else if (values.import) {
        info = await keystore.attachCertificate(alias, await readBoundedFile(values.import, { what: 'certificate file', maxBytes: FILE_CAPS.certificate }));
      } else throw new UsageError('keys cert needs --self-signed --subject "CN=..." or --import FILE');
      printJson(info.certificate);
      return 0;
    }
    case 'export': {
      const { values, positionals } = parse(rest, { format: { type: 'string' }, private: { type: 'boolean' } });
      const alias = one(positionals, 'keys export ALIAS [--format jwk|pem|cert]');
      const format = values.format ?? 'jwk';
      if (values.private) {
        if (format === 'jwk') printJson(await keystore.exportPrivate(alias, { confirm: true, format: 'jwk' }));
        else if (format === 'pem') process.stdout.write(await keystore.exportPrivate(alias, { confirm: true, format: 'pem' }));
        else throw new UsageError('--private exports as --format pem or jwk');
        return 0;
      }
      if (format === 'jwk') printJson(await keystore.exportPublicJwk(alias));
      else if (format === 'pem') process.stdout.write(await keystore.exportPublicPem(alias));
      else if (format === 'cert') process.stdout.write(await keystore.exportCertificatePem(alias));
      else throw new UsageError('--format is jwk, pem or cert');
      return 0;
    }
    case 'jwks':
      parse(rest, {}, false);
      printJson(await keystore.exportJwks());
      return 0;
    case 'delete': {
      const { positionals } = parse(rest, {});
      const alias = one(positionals, 'keys delete ALIAS');
      await keystore.delete(alias);
      process.stderr.write(`deleted ${alias}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown keys command "${sub}" (generate, import, list, show, kid, cert, export, jwks, delete)`);
  }
}

const ASSERTION_HELP = `Usage: tokenbench assertion (--key ALIAS [--alg ALG] | --secret-file F --alg HS256)
         --iss X --sub Y --aud Z [--lifetime 5m] [--nbf] [--no-jti] [--x5t] [--x5c] [--kid VALUE|thumbprint|key|none]
         [--claim k=v ...] [--claims JSON] [--typ T] [--preview]
Prints a signed JWT; --preview prints the unsigned header and payload instead.
`;

export async function assertionCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(
    argv,
    {
      key: { type: 'string' },
      'secret-file': { type: 'string' },
      alg: { type: 'string' },
      iss: { type: 'string' },
      sub: { type: 'string' },
      aud: { type: 'string', multiple: true },
      lifetime: { type: 'string' },
      nbf: { type: 'boolean' },
      'no-jti': { type: 'boolean' },
      x5t: { type: 'boolean' },
      x5c: { type: 'boolean' },
      kid: { type: 'string' },
      claim: { type: 'string', multiple: true },
      claims: { type: 'string' },
      typ: { type: 'string' },
      preview: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(ASSERTION_HELP);
    return 0;
  }
  if (!values.key === !values['secret-file']) throw new UsageError('give exactly one of --key ALIAS or --secret-file F');
  let signer: AssertionSigner;
  if (values.key) signer = await (await ctx.keystore()).getSigningKey(values.key, values.alg);
  else {
    const alg = values.alg ?? 'HS256';
    if (!(HMAC_ALGS as readonly string[]).includes(alg)) throw new UsageError(`a secret signs with ${HMAC_ALGS.join(', ')}`);
    signer = { secret: (await readBoundedFile(values['secret-file'] as string, { what: 'secret file', maxBytes: FILE_CAPS.secret })).toString('utf8').replace(/\r?\n$/, ''), alg };
  }
  const extra: Record<string, unknown> = values.claims ? parseJsonObjectArg(values.claims, '--claims') : {};
  for (const [k, v] of keyValues(values.claim, '--claim')) extra[k] = claimValue(v);
  const aud = values.aud?.length === 1 ? values.aud[0] : values.aud;
  const spec = {
    // What its user types is what it mints: the engine's 1-hour cap is for assertions it signs on a profile's say.
    maxLifetimeSeconds: false as const,
    header: { typ: values.typ, x5t: values.x5t, x5tS256: values.x5t, x5c: values.x5c, ...kidHeader(values.kid) },
    claims: {
      iss: values.iss,
      sub: values.sub,
      aud,
      lifetimeSeconds: parseLifetime(values.lifetime ?? '5m'),
      nbf: values.nbf ?? false,
      jti: !values['no-jti'],
      extra,
    },
  };
  if (values.preview) {
    printJson(previewAssertion(spec, 'secret' in signer ? { alg: signer.alg } : signer));
    return 0;
  }
  process.stdout.write(`${await signAssertion(spec, signer)}\n`);
  return 0;
}

/** `--kid`: the key's own kid (default), its thumbprint, none, or a custom value. */
function kidHeader(kid: string | undefined): { kid?: KidMode; customKid?: string } {
  if (kid === undefined) return {};
  if (kid === 'key' || kid === 'thumbprint' || kid === 'none') return { kid };
  if (!kid.trim()) throw new UsageError('--kid takes a value, "thumbprint", "key" or "none"');
  return { kid: 'custom', customKid: kid };
}

/** `--claim n=5` is a number, `--claim admin=true` a boolean, `--claim roles=["a"]` JSON; the rest strings. */
function claimValue(v: string): unknown {
  if (/^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

function asymmetricAlg(alg: string): AsymmetricAlg {
  if (!(ASYMMETRIC_SIGNING_ALGS as readonly string[]).includes(alg)) throw new UsageError(`--alg is one of ${ASYMMETRIC_SIGNING_ALGS.join(', ')}`);
  return alg as AsymmetricAlg;
}

function describe(info: KeyInfo): string {
  return `${info.alias} (${info.keyType}${info.modulusLength ? ` ${info.modulusLength}` : info.curve ? ` ${info.curve}` : ''}, ${info.alg}, kid ${info.kid})`;
}

function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`usage: tokenbench ${usage}`);
  return positionals[0] as string;
}

