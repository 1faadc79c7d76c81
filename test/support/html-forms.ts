/**
 * Just enough HTML form reading for the scripted user: the sandbox's pages
 * and oidc-provider's generated forms are simple and well-formed.
 */
export interface HtmlForm {
  id?: string;
  action: string;
  method: 'GET' | 'POST';
  /** Named inputs (and buttons with a name) inside the form, in order. */
  fields: { name: string; value: string; type: string }[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };

export function decodeEntities(value: string): string {
  return value.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return whole;
  });
}

export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][\w.:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = m[1];
    if (!name) continue;
    out[name.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1] ?? '');
    const inner = m[2] ?? '';
    const fields: HtmlForm['fields'] = [];
    for (const input of inner.matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const a = attributes(input[2] ?? '');
      if (!a.name) continue;
      const type = (a.type ?? (input[1]?.toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      // Submit buttons only count when the one pressed is chosen explicitly.
      if (type === 'submit') continue;
      fields.push({ name: a.name, value: a.value ?? '', type });
    }
    forms.push({
      ...(attrs.id ? { id: attrs.id } : {}),
      action: attrs.action ?? '',
      method: (attrs.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET',
      fields,
    });
  }
  return forms;
}

export function formBody(form: HtmlForm, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  const seen = new Set<string>();
  for (const field of form.fields) {
    if (field.name in overrides) {
      if (!seen.has(field.name)) params.append(field.name, overrides[field.name] ?? '');
      seen.add(field.name);
    } else {
      params.append(field.name, field.value);
    }
  }
  for (const [name, value] of Object.entries(overrides)) if (!seen.has(name)) params.append(name, value);
  return params.toString();
}
