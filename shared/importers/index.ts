import { WorkbenchError } from '../errors';
import type { ConvertedImport, ImportFormat } from '../ipc';
import { convertBruno } from './bruno';
import { convertCurl, isCurl } from './curl';
import { toConnectionsDocument, type Conversion } from './document';
import { convertInsomnia, isInsomniaV4, isInsomniaV5 } from './insomnia';
import { convertPostman, isPostmanCollection, isPostmanEnvironment } from './postman';

export interface ImportFile {
  name: string;
  text: string;
}

/**
 * From a foreign format to this app's connections document (issue 13 §4). `parseYaml` is passed
 * in (main has the `yaml` package; shared/ stays free of it). Auto-detects when no format is given.
 */
export function convertImportFiles(files: ImportFile[], format: ImportFormat | undefined, parseYaml: (text: string) => unknown): ConvertedImport {
  const parse = (f: ImportFile): unknown => {
    const t = f.text.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch (err) {
        throw new WorkbenchError('INVALID_INPUT', `${f.name} is not valid JSON: ${(err as Error).message}`);
      }
    }
    try {
      return parseYaml(t);
    } catch (err) {
      throw new WorkbenchError('INVALID_INPUT', `${f.name} is neither JSON nor YAML: ${(err as Error).message}`);
    }
  };
  const detected = format ?? detect(files, parse);
  let conversion: Conversion;
  switch (detected) {
    case 'curl':
      conversion = convertCurl(files.map((f) => f.text).join('\n'));
      break;
    case 'bruno':
      conversion = convertBruno(files);
      break;
    case 'postman':
      conversion = convertPostman(files.map((f) => ({ name: f.name, doc: parse(f) })));
      break;
    case 'insomnia': {
      const docs = files.map((f) => convertInsomnia(parse(f)));
      conversion = { format: 'insomnia', groups: docs.flatMap((d) => d.groups), unmapped: docs.flatMap((d) => d.unmapped) };
      break;
    }
  }
  const doc = toConnectionsDocument(conversion);
  return { format: detected, ...doc };
}

function detect(files: ImportFile[], parse: (f: ImportFile) => unknown): ImportFormat {
  if (files.some((f) => f.name.endsWith('.bru'))) return 'bruno';
  if (files.length === 1 && isCurl((files[0] as ImportFile).text)) return 'curl';
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parse(f);
    } catch {
      continue;
    }
    if (isPostmanCollection(doc) || isPostmanEnvironment(doc)) return 'postman';
    if (isInsomniaV4(doc) || isInsomniaV5(doc)) return 'insomnia';
  }
  throw new WorkbenchError('INVALID_INPUT', 'cannot tell the format: give --from postman|insomnia|bruno|curl (a Token Workbench export goes to import as it is)');
}
