import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CatalogueRow {
  file: string;
  format: string;
  linktype: string;
  packets: number;
  features: string;
}

/** The rows of ../shared/captures/CATALOGUE.tsv. */
export function readCatalogue(dir: string): CatalogueRow[] {
  const [header, ...lines] = readFileSync(join(dir, 'CATALOGUE.tsv'), 'utf8').trimEnd().split('\n');
  const columns = header.split('\t');
  const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
  return lines.map((line) => {
    const cells = line.split('\t');
    return {
      file: at(cells, 'file'),
      format: at(cells, 'format'),
      linktype: at(cells, 'linktype'),
      packets: Number(at(cells, 'packets').replace(/,/g, '')),
      features: at(cells, 'features'),
    };
  });
}

/** A file name for goldens: the capture's path with / replaced. */
export function goldenName(file: string): string {
  return file.replace(/\//g, '_');
}
