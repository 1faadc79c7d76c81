import { randomBytes } from 'node:crypto';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

/**
 * The sandbox's SAML identity provider: it mints signed SAML 2.0 assertions
 * (for tests and users of the saml2-bearer grant) and verifies them.
 */

export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** Tolerated clock difference when checking NotBefore / NotOnOrAfter. */
const CLOCK_SKEW_MS = 15_000;
const MAX_ASSERTION_CHARS = 64 * 1024;

export interface SamlIdentityProvider {
  entityId: string;
  certPem: string;
  keyPem: string;
}

export interface MintAssertionInput {
  subject: string;
  audience: string;
  issuer: string;
  notBefore: Date;
  notOnOrAfter: Date;
  /** SubjectConfirmationData Recipient: the token endpoint. */
  recipient?: string;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Assertion XML signed (enveloped, exclusive c14n, RSA-SHA256) with the IdP's key, signature placed after Issuer as the schema wants. */
export function mintAssertion(idp: SamlIdentityProvider, input: MintAssertionInput): string {
  const id = `_${randomBytes(16).toString('hex')}`;
  const now = new Date().toISOString();
  const notBefore = input.notBefore.toISOString();
  const notOnOrAfter = input.notOnOrAfter.toISOString();
  const recipient = input.recipient ? ` Recipient="${escapeXml(input.recipient)}"` : '';
  const xml =
    `<saml:Assertion xmlns:saml="${SAML_ASSERTION_NS}" ID="${id}" Version="2.0" IssueInstant="${now}">` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<saml:Subject>` +
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escapeXml(input.subject)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}"${recipient}/></saml:SubjectConfirmation>` +
    `</saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(input.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion>`;

  const signer = new SignedXml({
    privateKey: idp.keyPem,
    publicCert: idp.certPem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({ xpath: "/*[local-name(.)='Assertion']", digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
  return signer.getSignedXml();
}

export interface VerifiedAssertion {
  id: string;
  subject: string;
  issuer: string;
  audiences: string[];
  notOnOrAfter: Date;
}

/** Why an assertion was refused; the grant turns it into invalid_grant. */
export class SamlAssertionError extends Error {}

/**
 * Checks an assertion the way RFC 7522 §3 asks: signature by the trusted IdP
 * key over the whole Assertion element, Issuer, Audience, validity window and
 * a Subject NameID. Claims are read only from the XML the signature covers,
 * so a wrapped or appended unsigned assertion cannot smuggle in a subject.
 */
export function verifyAssertion(
  xml: string,
  idp: Pick<SamlIdentityProvider, 'entityId' | 'certPem'>,
  expected: { audiences: string[]; now?: Date },
): VerifiedAssertion {
  if (xml.length > MAX_ASSERTION_CHARS) throw new SamlAssertionError('assertion is too large');
  // No DTDs: they are how entity-expansion and external-entity attacks get in.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlAssertionError('assertion must not contain a DTD');

  const root = parseRoot(xml);
  if (root.localName !== 'Assertion' || root.namespaceURI !== SAML_ASSERTION_NS) throw new SamlAssertionError('document is not a SAML 2.0 Assertion');
  const signatures = childElements(root).filter((e) => e.localName === 'Signature' && e.namespaceURI === XMLDSIG_NS);
  if (signatures.length !== 1) throw new SamlAssertionError('assertion must carry exactly one enveloped signature');

  const verifier = new SignedXml({ publicCert: idp.certPem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signatures[0] as unknown as Parameters<SignedXml['loadSignature']>[0]);
  let valid = false;
  try {
    valid = verifier.checkSignature(xml);
  } catch (err) {
    throw new SamlAssertionError(`assertion signature is invalid: ${(err as Error).message}`);
  }
  const signedReferences = verifier.getSignedReferences();
  if (!valid || signedReferences.length !== 1) throw new SamlAssertionError('assertion signature is invalid');

  const signed = parseRoot(signedReferences[0] ?? '');
  const id = signed.getAttribute('ID') ?? '';
  if (signed.localName !== 'Assertion' || signed.namespaceURI !== SAML_ASSERTION_NS || !id || id !== root.getAttribute('ID')) {
    throw new SamlAssertionError('the signature does not cover the assertion');
  }

  const issuer = text(only(signed, 'Issuer'));
  if (issuer !== idp.entityId) throw new SamlAssertionError(`assertion issuer ${issuer || '(none)'} is not trusted`);

  const subjectEl = only(signed, 'Subject');
  const subject = text(subjectEl ? only(subjectEl, 'NameID') : undefined);
  if (!subject) throw new SamlAssertionError('assertion has no Subject NameID');

  const conditions = only(signed, 'Conditions');
  const now = (expected.now ?? new Date()).getTime();
  const notBefore = conditions?.getAttribute('NotBefore');
  if (notBefore && parseTime(notBefore, 'NotBefore') > now + CLOCK_SKEW_MS) throw new SamlAssertionError('assertion is not yet valid (NotBefore)');

  const bearerData = (subjectEl ? childElements(subjectEl) : [])
    .filter((e) => e.localName === 'SubjectConfirmation' && e.getAttribute('Method') === BEARER)
    .flatMap((e) => childElements(e).filter((c) => c.localName === 'SubjectConfirmationData'));
  const expiries = [conditions?.getAttribute('NotOnOrAfter'), ...bearerData.map((e) => e.getAttribute('NotOnOrAfter'))].filter((v): v is string => !!v);
  if (!expiries.length) throw new SamlAssertionError('assertion has no NotOnOrAfter');
  const notOnOrAfter = Math.min(...expiries.map((v) => parseTime(v, 'NotOnOrAfter')));
  if (notOnOrAfter <= now - CLOCK_SKEW_MS) throw new SamlAssertionError('assertion has expired (NotOnOrAfter)');

  const audiences = (conditions ? childElements(conditions) : [])
    .filter((e) => e.localName === 'AudienceRestriction')
    .flatMap((r) => childElements(r).filter((e) => e.localName === 'Audience').map(text));
  if (!audiences.some((a) => expected.audiences.includes(a))) {
    throw new SamlAssertionError(`assertion audience must be one of ${expected.audiences.join(', ')}`);
  }

  return { id, subject, issuer, audiences, notOnOrAfter: new Date(notOnOrAfter) };
}

function parseRoot(xml: string): XmlElement {
  let root: XmlElement | null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new SamlAssertionError(`assertion is not well-formed XML: ${message}`);
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch (err) {
    throw err instanceof SamlAssertionError ? err : new SamlAssertionError(`assertion is not well-formed XML: ${(err as Error).message}`);
  }
  if (!root) throw new SamlAssertionError('assertion is empty');
  return root;
}

function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as XmlElement);
  return out;
}

/** The one direct child in the SAML namespace with this name; more than one is refused as ambiguous. */
function only(el: XmlElement, localName: string): XmlElement | undefined {
  const found = childElements(el).filter((e) => e.localName === localName && e.namespaceURI === SAML_ASSERTION_NS);
  if (found.length > 1) throw new SamlAssertionError(`assertion has more than one ${localName}`);
  return found[0];
}

function text(el: XmlElement | undefined): string {
  return (el?.textContent ?? '').trim();
}

function parseTime(value: string, name: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new SamlAssertionError(`assertion ${name} is not a date`);
  return t;
}
